/**
 * Env files as Docker Compose reads them (`env_file:` of a service), written so that every value comes back
 * exactly as given, or is refused.
 *
 * The rules are compose's, documented in "Syntax for environment files in Docker Compose"
 * (https://docs.docker.com/compose/environment-variables/env-file/, now also under
 * https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax) and implemented
 * by `dotenv/parser.go` of github.com/compose-spec/compose-go (v2), which Docker Compose v2 uses:
 * - `KEY='…'`: single-quoted values are used literally: no `$` interpolation and no escapes. The value runs to the
 *   next `'` that does not follow a backslash, so it may span lines: a newline is written as itself.
 * - `KEY="…"`: double-quoted values first have their escapes expanded (`\\` `\"` `\n` `\r` `\$` …), then `$`
 *   interpolation applies, where `$$` stands for one literal `$`. The value also ends at the first `"` that
 *   does not follow a backslash.
 *
 * Encoding chosen here:
 * - A value without `'` or carriage return is single-quoted as it is. Newlines, `"`, `$`, `${VAR}`, `#`,
 *   spaces and backslashes need nothing: inside single quotes compose does not interpret them.
 * - A value containing `'` (or `\r`) is double-quoted, because compose versions disagree on `\'` inside single
 *   quotes: the docs and newer compose-go read `'Let\'s go!'` as `Let's go!`, while compose-go 2.0's parser keeps
 *   the backslash. Between double quotes `\` → `\\`, `"` → `\"`, newline → `\n`, carriage return → `\r` and
 *   `$` → `$$`; `'` needs no escape. So `it's "$HOME"` is written `"it's \"$$HOME\""`, and compose reads back
 *   `it's "$HOME"`. Both scanners (the "quote after a backslash is escaped" rule of 2.0 and the later escape state
 *   machine) read every encoded value the same way; the spec checks each value against both.
 * - Refused with {@link EnvFileEncodingError}: a value ending in a backslash (compose-go 2.0 takes the closing
 *   quote after it for an escaped one, in either form), a NUL character (no environment variable can hold one),
 *   and a key that is not a portable variable name.
 */
export class EnvFileEncodingError extends Error {
  override readonly name = 'EnvFileEncodingError';
}

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes one value for a compose env file (see the rules above). */
export function encodeEnvValue(key: string, value: string): string {
  if (value.includes('\0')) throw new EnvFileEncodingError(`${key} contains a NUL character`);
  if (value.endsWith('\\')) {
    throw new EnvFileEncodingError(`${key} ends with a backslash, which a compose env file cannot represent`);
  }
  if (!value.includes("'") && !value.includes('\r')) return `'${value}'`;
  const escaped = value.replace(/[\\"\n\r$]/g, (char) => DOUBLE_QUOTED_ESCAPES[char] as string);
  return `"${escaped}"`;
}

const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  $: '$$',
};

/** `KEY='value'` lines, one per entry, in the given order, ending with a newline; owner-only (0600) content. */
export function encodeEnvFile(environment: Readonly<Record<string, string>>): string {
  return Object.entries(environment)
    .map(([key, value]) => {
      if (!KEY_PATTERN.test(key)) throw new EnvFileEncodingError(`"${key}" is not a valid environment variable name`);
      return `${key}=${encodeEnvValue(key, value)}\n`;
    })
    .join('');
}
