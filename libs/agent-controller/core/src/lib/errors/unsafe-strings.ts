/**
 * The one rule for every string the API accepts (values and object keys, at any depth): no NUL and no lone
 * UTF-16 surrogate anywhere — PostgreSQL cannot store either (text columns refuse NUL with 22021, JSON columns
 * refuse `\u0000` and lone surrogates) — and no control character other than tab, newline and carriage return,
 * except in fields that carry free text content (file content, commit messages, commands), which may.
 */

/** Keys whose string values are free text content: control characters are allowed there (NUL never). */
export const TEXT_CONTENT_KEYS: ReadonlySet<string> = new Set(['content', 'message', 'cmd', 'inputs']);

export interface UnsafeString {
  /** Dotted path to the value (or to the key, for an unsafe key); empty for the value itself. */
  path: string;
  message: string;
}

const NUL = /\0/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x01-\x08\x0B\x0C\x0E-\x1F\x7F]/;

/** Why `text` may not be accepted, or undefined when it may. */
export function unsafeStringReason(text: string, allowControls = false): string | undefined {
  if (NUL.test(text)) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must not contain unpaired UTF-16 surrogates';
  if (!allowControls && CONTROL.test(text)) return 'must not contain control characters';
  return undefined;
}

/** A key as it may be shown in a field name: unsafe characters escaped, so the error itself stays printable. */
function printableKey(key: string): string {
  if (unsafeStringReason(key) === undefined) return key;
  return Array.from(key, (char) =>
    unsafeStringReason(char) === undefined && char.length === 1 ? char : escapeUnits(char),
  ).join('');
}

function escapeUnits(text: string): string {
  let escaped = '';
  for (let i = 0; i < text.length; i++) escaped += `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The first unsafe string in `value` (walking objects and arrays, keys as well as values), or undefined.
 * Strings under a key of `TEXT_CONTENT_KEYS` may carry control characters. The walk keeps its own stack:
 * a body nested thousands deep must be answered 400 by the schema, not overflow the call stack here.
 */
export function findUnsafeString(value: unknown): UnsafeString | undefined {
  const pending: Array<{ value: unknown; path: string; allowControls: boolean }> = [
    { value, path: '', allowControls: false },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current, path, allowControls } = next;
    if (typeof current === 'string') {
      const message = unsafeStringReason(current, allowControls);
      if (message !== undefined) return { path, message };
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        pending.push({ value: current[index], path: join(path, String(index)), allowControls });
      }
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      // Keys first, in order, so an unsafe key is reported before anything under it.
      for (const key of keys) {
        const keyReason = unsafeStringReason(key);
        if (keyReason !== undefined) return { path: join(path, printableKey(key)), message: `field name ${keyReason}` };
      }
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index];
        pending.push({
          value: (current as Record<string, unknown>)[key],
          path: join(path, key),
          allowControls: allowControls || TEXT_CONTENT_KEYS.has(key),
        });
      }
    }
  }
  return undefined;
}
