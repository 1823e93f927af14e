/**
 * For the specs only: Docker Compose's env-file parser, ported from `dotenv/parser.go` of
 * github.com/compose-spec/compose-go v2 (rules documented at https://docs.docker.com/compose/environment-variables/env-file/).
 * Two generations of its quoted-value scanner exist, and both are ported:
 * - `prev-char` (compose-go 2.0): the value ends at the first quote not directly after a backslash, and a
 *   single-quoted value is the raw text between the quotes (so `'Let\'s'` reads `Let\'s`);
 * - `state-machine` (later): a backslash escapes the next character while scanning; `\<quote>` becomes the quote,
 *   any other `\x` stays `\x` (so `'Let\'s'` reads `Let's`, as the docs say).
 * Double-quoted values then have escapes expanded (`escapeSeqRegex` + Go's `strconv.UnquoteChar`) and `$`
 * interpolated (compose-go `template.Substitute`: `$$` is a literal `$`, `$VAR`/`${VAR}` a variable).
 */
export type QuoteScanner = 'prev-char' | 'state-machine';

const isSpace = (char: string): boolean => ['\t', '\v', '\f', '\r', ' ', '\u0085', '\u00a0'].includes(char);

export function parseComposeEnvFile(
  text: string,
  scanner: QuoteScanner,
  lookup: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = text.replace(/^\uFEFF/, '');
  for (;;) {
    rest = statementStart(rest);
    if (rest === '') return out;
    const { key, value: afterKey, inherited } = locateKeyName(rest);
    if (inherited) {
      if (key in lookup) out[key] = lookup[key] as string;
      rest = afterKey;
      continue;
    }
    const extracted = extractVarValue(afterKey, scanner, { ...lookup, ...out });
    out[key] = extracted.value;
    rest = extracted.rest;
  }
}

function statementStart(src: string): string {
  for (;;) {
    const pos = src.search(/[^\s\u0085]/u);
    if (pos === -1) return '';
    src = src.slice(pos);
    if (!src.startsWith('#')) return src;
    const newline = src.indexOf('\n');
    if (newline === -1) return '';
    src = src.slice(newline);
  }
}

function locateKeyName(src: string): { key: string; value: string; inherited: boolean } {
  if (/^export\s+/.test(src)) src = src.slice('export'.length).replace(/^[\t\v\f\r \u0085\u00a0]+/, '');
  for (let i = 0; i < src.length; i++) {
    const char = src[i] as string;
    if (isSpace(char)) continue;
    if (char === '=' || char === ':' || char === '\n') {
      const key = src.slice(0, i).trimEnd();
      if (key.includes(' ')) throw new Error('key cannot contain a space');
      const value = src.slice(i + 1).replace(/^[\t\v\f\r \u0085\u00a0]+/, '');
      return { key, value, inherited: char === '\n' };
    }
    if (!/[_.[\]\p{L}\p{N}]/u.test(char))
      throw new Error(`unexpected character ${JSON.stringify(char)} in variable name`);
  }
  throw new Error('key without value at end of file');
}

function extractVarValue(
  src: string,
  scanner: QuoteScanner,
  variables: Readonly<Record<string, string>>,
): { value: string; rest: string } {
  const quote = src[0];
  if (quote !== '"' && quote !== "'") {
    const newline = src.indexOf('\n');
    let value = newline === -1 ? src : src.slice(0, newline);
    const comment = value.indexOf(' #');
    if (comment !== -1) value = value.slice(0, comment);
    return { value: substitute(value.trimEnd(), variables), rest: newline === -1 ? '' : src.slice(newline + 1) };
  }
  const scanned = scanner === 'prev-char' ? scanPrevChar(src, quote) : scanStateMachine(src, quote);
  if (!scanned) throw new Error(`unterminated quoted value ${src.split('\n')[0]}`);
  const value = quote === '"' ? substitute(expandEscapes(scanned.value), variables) : scanned.value;
  return { value, rest: src.slice(scanned.end + 1) };
}

function scanPrevChar(src: string, quote: string): { value: string; end: number } | null {
  for (let i = 1; i < src.length; i++) {
    if (src[i] === quote && src[i - 1] !== '\\') return { value: src.slice(1, i), end: i };
  }
  return null;
}

function scanStateMachine(src: string, quote: string): { value: string; end: number } | null {
  let escape = false;
  let chars = '';
  for (let i = 1; i < src.length; i++) {
    const char = src[i] as string;
    if (char !== quote) {
      if (!escape && char === '\\') {
        escape = true;
        continue;
      }
      if (escape) {
        escape = false;
        chars += '\\';
      }
      chars += char;
      continue;
    }
    if (escape) {
      escape = false;
      chars += char;
      continue;
    }
    return { value: chars, end: i };
  }
  return null;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '"': '"',
  '\\': '\\',
};

function expandEscapes(value: string): string {
  return value.replace(/\\(?:[abcfnrtv$"\\]|0\d{0,3})/g, (match) => {
    if (match === '\\$') return '$$';
    if (match.startsWith('\\0')) {
      const octal = match.slice(2);
      // Go's UnquoteChar wants exactly three octal digits after the backslash.
      return /^[0-7]{3}$/.test(octal) && parseInt(octal, 8) <= 255 ? String.fromCharCode(parseInt(octal, 8)) : match;
    }
    return SIMPLE_ESCAPES[match[1] as string] ?? match;
  });
}

function substitute(value: string, variables: Readonly<Record<string, string>>): string {
  return value.replace(/\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\}|(.?))/gs, (...groups) => {
    const [, escaped, named, braced, invalid] = groups as (string | undefined)[];
    if (escaped) return '$';
    const name = named ?? braced;
    if (name !== undefined) return variables[name] ?? '';
    throw new Error(`invalid interpolation format near $${invalid ?? ''}`);
  });
}

const PRIVATE_KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACBhbGwgdGhlIGtleXMgYXJlIGZha2UgaW4gdGhpcyB0ZXN0Lg==',
  '-----END OPENSSH PRIVATE KEY-----',
  '',
].join('\n');

/** Values that must come back exactly through the env file; the names say what each one exercises. */
export const TRICKY_VALUES: Readonly<Record<string, string>> = {
  PLAIN: 'abc123',
  EMPTY: '',
  SINGLE_QUOTE: "it's",
  ONLY_SINGLE_QUOTE: "'",
  DOUBLE_QUOTES: 'say "hi"',
  BOTH_QUOTES: `it's "quoted"`,
  DOLLAR: 'pa$$word$',
  DOLLAR_VAR: '$HOME and ${HOME} and ${HOME:-x}',
  DOLLAR_AND_QUOTE: "'$HOME' ${PATH}",
  BACKSLASHES: 'C:\\path\\new\\table \\\\ double',
  BACKSLASH_QUOTE: `a\\"b\\'c`,
  BACKSLASH_DOLLAR_QUOTE: `\\$x'`,
  ESCAPE_LOOKALIKES: '\\n \\t \\r \\0123 \\$',
  HASH: '#not a comment',
  INLINE_HASH: 'value # not a comment either',
  SPACES: '  leading and trailing  ',
  NEWLINES: 'line 1\nline 2\n\nline 4\n',
  NEWLINE_AND_QUOTE: "line 1\nit's line 2\n",
  CARRIAGE_RETURN: 'windows\r\nline',
  TAB: 'a\tb',
  EQUALS: 'a=b==',
  UNICODE: 'grüße ✓ 日本',
  PRIVATE_KEY,
  EVERYTHING: `'"\\$\${X}#\n \\ end`,
};
