import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USER_ROLES } from './rules';

export const AUTHENTICATION_METHODS = ['api-key', 'users', 'keycloak'] as const;
export type AuthenticationMethod = (typeof AUTHENTICATION_METHODS)[number];

const email = z
  .email()
  .max(254)
  .transform((value) => value.toLowerCase())
  .describe('E-mail address; stored lower-cased');

const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH)
  .max(PASSWORD_MAX_LENGTH)
  .describe(`Password, ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`);

export const loginRequestSchema = z.strictObject({
  email,
  // Login accepts any length up to the maximum so old, shorter passwords are never locked out by a policy change.
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const setupRequestSchema = z.strictObject({
  token: z.string().min(1).max(512).describe('The one-time setup token printed in the server log'),
  email,
  password,
});
export type SetupRequest = z.infer<typeof setupRequestSchema>;

export const setupStatusSchema = z.object({
  required: z.boolean().describe('True while no user exists and the setup token may be used'),
  authenticationMethod: z.enum(AUTHENTICATION_METHODS),
});
export type SetupStatus = z.infer<typeof setupStatusSchema>;

/** What a browser needs to sign in with the realm: an OpenID Connect public client (code flow with PKCE). */
export const keycloakSignInSchema = z.object({
  issuer: z
    .url()
    .describe("The realm's issuer; its discovery document is at {issuer}/.well-known/openid-configuration"),
  clientId: z.string().describe("The console's public client in the realm"),
  scope: z.string().describe('Space-separated scopes to ask for (includes openid)'),
});
export type KeycloakSignIn = z.infer<typeof keycloakSignInSchema>;

/** Public: how the console signs in, before anyone is signed in. */
export const authConfigSchema = z.object({
  authenticationMethod: z.enum(AUTHENTICATION_METHODS),
  keycloak: keycloakSignInSchema.optional().describe('Present in keycloak mode only'),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  locked: z.boolean(),
  lastSignInAt: z.iso
    .datetime()
    .nullable()
    .describe(
      'The latest sign-in (users mode: a log-in or setup; keycloak mode: a new Keycloak session); null if none yet',
    ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type User = z.infer<typeof userSchema>;

export const tokenResponseSchema = z.object({
  accessToken: z.string(),
  access_token: z
    .string()
    .describe('The same token as `accessToken`, under the name consoles written for Agenstra read (OAuth style)'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('Seconds until the token expires'),
  user: userSchema,
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** Who the caller is: a user, or the holder of the static API key (api-key mode). */
export const principalSchema = z.object({
  kind: z.enum(['user', 'api-key']),
  isGlobalAdmin: z.boolean(),
  user: userSchema.nullable(),
  authenticationMethod: z.enum(AUTHENTICATION_METHODS),
});
export type Principal = z.infer<typeof principalSchema>;

export const createUserRequestSchema = z.strictObject({
  email,
  password,
  role: z.enum(USER_ROLES).default('user'),
});
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

export const updateUserRequestSchema = z
  .strictObject({
    email: email.optional(),
    password: password.optional(),
    role: z.enum(USER_ROLES).optional(),
    locked: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'At least one field must be given' });
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

export const changePasswordRequestSchema = z.strictObject({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  newPassword: password,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;
