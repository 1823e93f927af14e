import { DomainError } from '@agent-controller/core';
import { UserRole } from '@agent-controller/shared-contracts';
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Who a valid Keycloak token speaks for, reduced to what the controller uses. */
export interface KeycloakIdentity {
  /** The token's `sub`: the stable key of the local user. */
  subject: string;
  /** Lower-cased; only when Keycloak vouches for it (`email_verified: true`), else null. */
  verifiedEmail: string | null;
  /** The realm role named by KEYCLOAK_ADMIN_ROLE is in `realm_access.roles`. */
  isGlobalAdmin: boolean;
  /**
   * When the user signed in at Keycloak: `auth_time`, else the token's `iat` (a refreshed token then counts as
   * a sign-in, a little too often rather than never). Absent when the token names neither.
   */
  signedInAt?: Date;
}

export interface ClaimRules {
  issuer: string;
  clientId: string;
  /** The console's public client: a token it obtained (`azp`) is accepted without an audience mapper. */
  consoleClientId?: string;
  adminRole: string;
}

/** Claims are read leniently (a malformed optional claim counts as absent); only `sub` is required. */
const stringOrStrings = z.union([z.string(), z.array(z.string())]);
const claimsSchema = z.object({
  sub: z.string().min(1).max(255),
  iss: z.string().optional().catch(undefined),
  aud: stringOrStrings.optional().catch(undefined),
  azp: z.string().optional().catch(undefined),
  client_id: z.string().optional().catch(undefined),
  typ: z.string().optional().catch(undefined),
  token_type: z.string().optional().catch(undefined),
  email: z.email().max(254).optional().catch(undefined),
  auth_time: z.number().int().positive().optional().catch(undefined),
  iat: z.number().int().positive().optional().catch(undefined),
  email_verified: z.unknown().optional(),
  realm_access: z
    .object({ roles: z.array(z.string()).catch([]) })
    .optional()
    .catch(undefined),
});

const unauthorized = (reason: string) => new DomainError('UNAUTHORIZED', reason);

/**
 * Checks what a verified token must also say to be accepted here, and reads the identity from it. Used for
 * both the claims of a verified JWT (OFFLINE) and an introspection answer (ONLINE), which carry the same names.
 */
export function identityFromClaims(claims: Record<string, unknown>, rules: ClaimRules): KeycloakIdentity {
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) throw unauthorized('Token has no subject');
  const token = parsed.data;
  // Issuer: jose already checked it for JWTs; introspection answers name it too (RFC 7662 makes it optional).
  if (token.iss !== undefined && token.iss !== rules.issuer) throw unauthorized('Token is from another issuer');
  if (!isAccessToken(token.typ, token.token_type)) throw unauthorized('Not an access token');
  if (!isMeantFor(token, rules)) throw unauthorized('Token is not meant for this service');
  const signedInSeconds = token.auth_time ?? token.iat;
  return {
    subject: token.sub,
    verifiedEmail: token.email !== undefined && token.email_verified === true ? token.email.toLowerCase() : null,
    isGlobalAdmin: token.realm_access?.roles.includes(rules.adminRole) ?? false,
    ...(signedInSeconds === undefined ? {} : { signedInAt: new Date(signedInSeconds * 1000) }),
  };
}

/**
 * Keycloak's ID tokens are signed with the same keys (`typ: "ID"`) and its introspection answers for refresh
 * tokens too (`typ: "Refresh"`), so the type must be stated, and be Bearer: `typ` in Keycloak's tokens, or
 * RFC 7662's `token_type` in an introspection answer.
 */
function isAccessToken(typ: string | undefined, tokenType: string | undefined): boolean {
  const stated = [typ, tokenType].filter((value) => value !== undefined);
  return stated.length > 0 && stated.every((value) => value.toLowerCase() === 'bearer');
}

/**
 * Keycloak access tokens carry the client that obtained them in `azp` (introspection: `client_id`) and often
 * only `account` in `aud`; an audience mapper adds other clients to `aud`. Either way counts. The console's own
 * client counts as this service too: the controller names it to the browser (GET /api/auth/config), so a token
 * the console obtained needs no audience mapper in the realm.
 */
function isMeantFor(token: z.infer<typeof claimsSchema>, rules: ClaimRules): boolean {
  const audience = typeof token.aud === 'string' ? [token.aud] : (token.aud ?? []);
  const party = token.azp ?? token.client_id;
  return (
    audience.includes(rules.clientId) ||
    party === rules.clientId ||
    (rules.consoleClientId !== undefined && party === rules.consoleClientId)
  );
}

export function roleOf(identity: KeycloakIdentity): UserRole {
  return identity.isGlobalAdmin ? 'admin' : 'user';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The local e-mail of a Keycloak user without a verified address. `.invalid` is reserved (RFC 2606/6761), so
 * no mailbox and no verified address can ever be it; it is derived from the subject, so it is unique per
 * subject. Keycloak's own subjects (lower-case UUIDs) stay readable; anything else is hashed, into a form a UUID
 * cannot take, because subjects may hold upper case or characters an e-mail column cannot.
 */
export function placeholderEmail(subject: string): string {
  const local = UUID.test(subject)
    ? subject
    : `sub-sha256-${createHash('sha256').update(subject, 'utf8').digest('hex').slice(0, 40)}`;
  return `${local}@keycloak.invalid`;
}
