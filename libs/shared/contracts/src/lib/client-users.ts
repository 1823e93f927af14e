import { z } from 'zod';

export const CLIENT_ROLES = ['admin', 'user'] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];

export const addClientUserRequestSchema = z.strictObject({
  email: z
    .email()
    .max(254)
    .transform((value) => value.toLowerCase()),
  role: z.enum(CLIENT_ROLES),
});
export type AddClientUserRequest = z.infer<typeof addClientUserRequestSchema>;

export const updateClientUserRequestSchema = z.strictObject({ role: z.enum(CLIENT_ROLES) });
export type UpdateClientUserRequest = z.infer<typeof updateClientUserRequestSchema>;

/** A member of a client; the creator is listed too, marked `creator` (and has no relationship id). */
export const clientUserSchema = z.object({
  id: z.uuid().nullable().describe('Relationship id; null for the creator'),
  userId: z.uuid(),
  email: z.string(),
  role: z.enum([...CLIENT_ROLES, 'creator']),
  createdAt: z.iso.datetime(),
});
export type ClientUser = z.infer<typeof clientUserSchema>;

export const clientUserParamsSchema = z.strictObject({ id: z.uuid(), relationshipId: z.uuid() });
