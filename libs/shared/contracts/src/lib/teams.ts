import { z } from 'zod';
import { labelsSchema } from './labels';
import { TEAM_ROLES } from './rules';

const name = z.string().trim().min(1).max(100).describe('Unique, case-insensitively; 1–100 characters, trimmed');
const description = z.string().max(2000).nullable().describe('Up to 2000 characters');

/** What a client created in the team starts with, unless its request says otherwise. */
export const teamDefaultsSchema = z.strictObject({
  agentWsPort: z.number().int().min(1).max(65535).nullable().default(null),
  keycloakRealm: z.string().trim().min(1).max(255).nullable().default(null),
  keycloakAuthServerUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullable()
    .default(null)
    .describe('Checked like a client’s keycloakAuthServerUrl when saved'),
  labels: labelsSchema.default({}).describe('Added to the labels of a client created in the team (its own win)'),
});
export type TeamDefaults = z.infer<typeof teamDefaultsSchema>;

export const createTeamRequestSchema = z.strictObject({
  name,
  description: description.optional(),
  defaults: teamDefaultsSchema.optional(),
});
export type CreateTeamRequest = z.infer<typeof createTeamRequestSchema>;

export const updateTeamRequestSchema = z
  .strictObject({
    name: name.optional(),
    description: description.optional(),
    defaults: teamDefaultsSchema.optional().describe('Replaces all defaults'),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'At least one field must be given' });
export type UpdateTeamRequest = z.infer<typeof updateTeamRequestSchema>;

export const teamSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  defaults: z.object({
    agentWsPort: z.number().int().nullable(),
    keycloakRealm: z.string().nullable(),
    keycloakAuthServerUrl: z.string().nullable(),
    labels: z.record(z.string(), z.string()),
  }),
  clientCount: z.number().int().describe('Clients in the team'),
  memberCount: z.number().int().describe('Members, admins included'),
  myRole: z.enum(TEAM_ROLES).nullable().describe('The caller’s role in the team; null for a global admin outside it'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Team = z.infer<typeof teamSchema>;

export const teamParamsSchema = z.strictObject({ id: z.uuid() });

export const deleteTeamQuerySchema = z.strictObject({
  moveTo: z
    .uuid()
    .optional()
    .describe(
      'Move the team’s clients to this team first (needs its admin rights); without it a team with clients is 409 TEAM_HAS_CLIENTS',
    ),
});
export type DeleteTeamQuery = z.infer<typeof deleteTeamQuerySchema>;

export const addTeamMemberRequestSchema = z.strictObject({
  email: z
    .email()
    .max(254)
    .transform((value) => value.toLowerCase()),
  role: z.enum(TEAM_ROLES).describe('Only global admins appoint admins'),
});
export type AddTeamMemberRequest = z.infer<typeof addTeamMemberRequestSchema>;

export const updateTeamMemberRequestSchema = z.strictObject({ role: z.enum(TEAM_ROLES) });
export type UpdateTeamMemberRequest = z.infer<typeof updateTeamMemberRequestSchema>;

export const teamMemberSchema = z.object({
  id: z.uuid().describe('Membership id'),
  userId: z.uuid(),
  email: z.string(),
  role: z.enum(TEAM_ROLES),
  createdAt: z.iso.datetime(),
});
export type TeamMember = z.infer<typeof teamMemberSchema>;

export const teamMemberParamsSchema = z.strictObject({ id: z.uuid(), membershipId: z.uuid() });
