import { parseComposeEnvFile, type QuoteScanner, TRICKY_VALUES } from './compose-dotenv.testing';
import { encodeEnvFile, encodeEnvValue, EnvFileEncodingError } from './env-file';

const SCANNERS: QuoteScanner[] = ['prev-char', 'state-machine'];

describe('encodeEnvFile', () => {
  it.each(SCANNERS)('round-trips every tricky value through compose-go (%s scanner)', (scanner) => {
    expect(parseComposeEnvFile(encodeEnvFile(TRICKY_VALUES), scanner)).toEqual(TRICKY_VALUES);
  });

  it.each(SCANNERS)('round-trips 2000 random values of awkward characters (%s scanner)', (scanner) => {
    const alphabet = ['a', 'Z', '0', ' ', "'", '"', '\\', '$', '{', '}', '#', '=', '\n', '\r', '\t', ':', 'ß'];
    let seed = 42;
    const random = (below: number): number => {
      seed = (seed * 48271) % 2147483647;
      return seed % below;
    };
    const environment: Record<string, string> = {};
    for (let n = 0; n < 2000; n++) {
      let value = Array.from({ length: random(24) }, () => alphabet[random(alphabet.length)]).join('');
      if (value.endsWith('\\')) value += 'x';
      environment[`VALUE_${n}`] = value;
    }
    expect(parseComposeEnvFile(encodeEnvFile(environment), scanner)).toEqual(environment);
  });

  it('single-quotes values without a single quote, newlines included, and keeps the order', () => {
    expect(encodeEnvFile({ B: 'x$y', A: 'two\nlines' })).toBe("B='x$y'\nA='two\nlines'\n");
  });

  it('double-quotes values with a single quote, escaping \\ " newline and $', () => {
    expect(encodeEnvValue('K', `it's "$HOME"\\\n`)).toBe(`"it's \\"$$HOME\\"\\\\\\n"`);
  });

  it('refuses what compose cannot read back, without naming the value', () => {
    expect(() => encodeEnvValue('SECRET', 'hunter2\\')).toThrow(
      new EnvFileEncodingError('SECRET ends with a backslash, which a compose env file cannot represent'),
    );
    expect(() => encodeEnvValue('SECRET', 'a\0b')).toThrow('SECRET contains a NUL character');
    for (const key of ['', '1ABC', 'A-B', 'A B', 'A.B', 'É']) {
      expect(() => encodeEnvFile({ [key]: 'x' })).toThrow(EnvFileEncodingError);
    }
  });
});

describe('the compose-go port used to check it', () => {
  // The examples of https://docs.docker.com/compose/environment-variables/env-file/
  it.each(SCANNERS)('reads the documented examples (%s scanner)', (scanner) => {
    const parsed = parseComposeEnvFile(
      [
        '# comment',
        '',
        'A=VAL',
        'B="VAL"',
        "C='VAL'",
        'D=VAL # comment',
        'E=VAL# not a comment',
        'F="VAL # not a comment"',
        'G="VAL" # comment',
        "H='$OTHER'",
        "I='${OTHER}'",
        'J="{\\"hello\\": \\"json\\"}"',
        'K="some\\tvalue"',
        "L='some\\tvalue'",
        'M=some\\tvalue',
        'N="$$OTHER and ${OTHER}"',
      ].join('\n'),
      scanner,
      { OTHER: 'other' },
    );
    expect(parsed).toEqual({
      A: 'VAL',
      B: 'VAL',
      C: 'VAL',
      D: 'VAL',
      E: 'VAL# not a comment',
      F: 'VAL # not a comment',
      G: 'VAL',
      H: '$OTHER',
      I: '${OTHER}',
      J: '{"hello": "json"}',
      K: 'some\tvalue',
      L: 'some\\tvalue',
      M: 'some\\tvalue',
      N: '$OTHER and other',
    });
  });

  it("shows why `\\'` is never written: the two scanners disagree on it", () => {
    expect(parseComposeEnvFile("V='Let\\'s go!'", 'state-machine')).toEqual({ V: "Let's go!" });
    expect(parseComposeEnvFile("V='Let\\'s go!'", 'prev-char')).toEqual({ V: "Let\\'s go!" });
  });
});
