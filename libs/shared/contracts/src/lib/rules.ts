// Limits and checks the API applies, without zod: the console imports them (through the `rules` entry point) for
// its forms, and zod's schemas would otherwise come along into the page's chunk.

export const USER_ROLES = ['admin', 'user'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export const API_KEY_MAX_LENGTH = 512;
/** A remote's key shorter than this is accepted (the remote chose it) but flagged as weak (`weakApiKey`). */
export const API_KEY_WEAK_BELOW_LENGTH = 16;

/** True for a key short enough to be guessed; generated keys (43 characters) never are. */
export function isWeakApiKey(apiKey: string | null | undefined): boolean {
  return typeof apiKey === 'string' && apiKey.length < API_KEY_WEAK_BELOW_LENGTH;
}

/**
 * Visible ASCII (0x21–0x7E): what an HTTP header (`Authorization: Bearer …`) carries unchanged. Emoji, other
 * non-ASCII, control characters and spaces would make every call to the remote fail, so they are refused.
 */
export const VISIBLE_ASCII = /^[\x21-\x7E]*$/;
export const VISIBLE_ASCII_MESSAGE =
  'must be visible ASCII characters (0x21–0x7E): no spaces, control characters or non-ASCII';

/** True for a non-empty value of visible ASCII only: one a request header carries as it is. */
export function isVisibleAscii(value: string): boolean {
  return value.length > 0 && VISIBLE_ASCII.test(value);
}

/** A team admin relates to the team's clients as a client admin, a team member as a client user. */
export const TEAM_ROLES = ['admin', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** What a scoped API token may do, each level including the one before: read; also operate; also manage. */
export const TOKEN_ACCESS_LEVELS = ['read', 'operate', 'manage'] as const;
export type TokenAccess = (typeof TOKEN_ACCESS_LEVELS)[number];
/** Tokens live at most this long. */
export const TOKEN_MAX_LIFETIME_DAYS = 366;
