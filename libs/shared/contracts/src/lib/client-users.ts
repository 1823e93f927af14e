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

/** A member of a client; with `?include=creator` the creator is listed too, marked `creator` (no relationship id). */
export const clientUserSchema = z.object({
  id: z.uuid().nullable().describe('Relationship id; null for the creator'),
  userId: z.uuid(),
  email: z.string(),
  userEmail: z.string().describe('The same as `email`, under the name Agenstra consoles read'),
  role: z.enum([...CLIENT_ROLES, 'creator']),
  createdAt: z.iso.datetime(),
});
export type ClientUser = z.infer<typeof clientUserSchema>;

export const listClientUsersQuerySchema = z.strictObject({
  include: z
    .literal('creator')
    .optional()
    .describe(
      "`creator`: list the client's creator first, as a row with role `creator` and no relationship id. " +
        "Without it only the members are listed (the creator is the client's `createdBy`), as Agenstra consoles expect",
    ),
});
export type ListClientUsersQuery = z.infer<typeof listClientUsersQuerySchema>;

export const clientUserParamsSchema = z.strictObject({ id: z.uuid(), relationshipId: z.uuid() });
