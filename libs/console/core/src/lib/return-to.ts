/** Where the console goes after signing in, kept in the tab through the realm's redirect (keycloak mode). */
const RETURN_TO_KEY = 'agent-controller.returnTo';

/** Pages a return would loop back to the sign-in from. */
const SIGN_IN_PATHS = ['/login', '/auth/callback'];

const MAX_LENGTH = 2048;

/**
 * The page to return to after signing in, if it is one of this console's own pages: a path on this origin
 * (`/clients/…?tab=…`), never another site (`//evil.example`, `/\evil.example`, `https://…`, `javascript:…`)
 * and never the sign-in pages themselves. Anything else is null, and the console opens its home page.
 */
export function safeReturnTo(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return null;
  // A single leading slash: '//host' and '/\host' are other sites to a browser. Backslashes and control
  // characters (which browsers strip or turn into slashes) are refused anywhere.
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || hasControlCharacter(value)) {
    return null;
  }
  const base = 'https://console.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return null;
  }
  if (url.origin !== base) return null;
  if (SIGN_IN_PATHS.some((path) => url.pathname === path || url.pathname.startsWith(`${path}/`))) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

function hasControlCharacter(value: string): boolean {
  return Array.from(value).some((character) => {
    const code = character.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });
}

/** Keeps the return page in the tab (sessionStorage) while the browser visits the realm. */
export function rememberReturnTo(value: unknown, storage: Storage = sessionStorage): void {
  const safe = safeReturnTo(value);
  if (safe) storage.setItem(RETURN_TO_KEY, safe);
  else storage.removeItem(RETURN_TO_KEY);
}

/** The return page kept before the realm's redirect, once: it is forgotten as it is read. */
export function takeReturnTo(storage: Storage = sessionStorage): string | null {
  const value = storage.getItem(RETURN_TO_KEY);
  storage.removeItem(RETURN_TO_KEY);
  return safeReturnTo(value);
}
