import { findUnsafeString, unsafeStringReason } from './unsafe-strings';

const HIGH = '\uD83D';
const LOW = '\uDE00';

describe('unsafeStringReason', () => {
  it.each([
    ['plain text', 'Build farm'],
    ['tab, newline and carriage return', 'a\tb\nc\r\n'],
    ['an emoji (a surrogate pair)', `night builds ${HIGH}${LOW}`],
    ['non-ASCII letters', 'Zürich, 東京'],
    ['the empty string', ''],
  ])('accepts %s', (_what, text) => {
    expect(unsafeStringReason(text)).toBeUndefined();
  });

  it.each([
    ['a NUL', 'a\0b', /NUL/],
    ['a lone high surrogate', `a${HIGH}b`, /surrogate/],
    ['a lone high surrogate at the end', `ab${HIGH}`, /surrogate/],
    ['a lone low surrogate', `${LOW}ab`, /surrogate/],
    ['two high surrogates', `${HIGH}${HIGH}${LOW}`, /surrogate/],
    ['an escape character', 'a\x1bb', /control/],
    ['a vertical tab', 'a\x0bb', /control/],
    ['DEL', 'a\x7fb', /control/],
  ])('refuses %s', (_what, text, reason) => {
    expect(unsafeStringReason(text)).toMatch(reason);
  });

  it('allows control characters in text content, but never NUL or a lone surrogate', () => {
    expect(unsafeStringReason('\x1b[31mred\x07', true)).toBeUndefined();
    expect(unsafeStringReason('a\0b', true)).toMatch(/NUL/);
    expect(unsafeStringReason(`a${LOW}`, true)).toMatch(/surrogate/);
  });
});

describe('findUnsafeString', () => {
  it('finds nothing in safe values of any shape', () => {
    expect(findUnsafeString({ name: 'a', tags: ['b', 'c'], nested: { n: 1, ok: true, none: null } })).toBeUndefined();
    expect(findUnsafeString(undefined)).toBeUndefined();
    expect(findUnsafeString(42)).toBeUndefined();
  });

  it('reports a top-level string with an empty path', () => {
    expect(findUnsafeString('a\0')).toEqual({ path: '', message: expect.stringMatching(/NUL/) });
  });

  it('names the dotted path of the first unsafe value, array indexes included', () => {
    expect(findUnsafeString({ ok: 'x', items: [{ name: 'a' }, { name: `b${HIGH}` }], later: '\0' })).toEqual({
      path: 'items.1.name',
      message: expect.stringMatching(/surrogate/),
    });
  });

  it('checks object keys too, naming the key with its unsafe characters escaped', () => {
    expect(findUnsafeString({ inputs: { 'a\0b': 'x' } })).toEqual({
      path: 'inputs.a\\u0000b',
      message: expect.stringMatching(/^field name .*NUL/),
    });
    expect(findUnsafeString(JSON.parse('{"\\ud800":1}'))).toEqual({
      path: '\\ud800',
      message: expect.stringMatching(/surrogate/),
    });
  });

  it('walks a JSON __proto__ key like any other', () => {
    expect(findUnsafeString(JSON.parse('{"__proto__":{"role":"a\\u0000"}}'))).toEqual({
      path: '__proto__.role',
      message: expect.stringMatching(/NUL/),
    });
  });

  it('lets text content fields (and what is under them) carry control characters, not NUL', () => {
    expect(findUnsafeString({ content: 'line\x1b[0m\n', message: 'fix\x07', inputs: { a: '\x01' } })).toBeUndefined();
    expect(findUnsafeString({ commands: [{ cmd: 'printf "\\x1b"\x1b', cwd: '/srv' }] })).toBeUndefined();
    expect(findUnsafeString({ commands: [{ cmd: 'ls', cwd: '/srv\x1b' }] })).toEqual({
      path: 'commands.0.cwd',
      message: expect.stringMatching(/control/),
    });
    expect(findUnsafeString({ content: 'a\0' })).toEqual({ path: 'content', message: expect.stringMatching(/NUL/) });
    expect(findUnsafeString({ name: 'a\x1b', content: 'ok' })).toEqual({
      path: 'name',
      message: expect.stringMatching(/control/),
    });
  });

  it('walks a value nested 100,000 deep without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`);

    expect(findUnsafeString(deep)?.message).toMatch(/NUL/);
    expect(findUnsafeString(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toBeUndefined();
  });
});
