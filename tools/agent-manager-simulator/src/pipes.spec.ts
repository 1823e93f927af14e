import { HttpException } from './http-errors';
import { isUuidV4, parseOptionalInt, parseUuidV4 } from './pipes';

function bodyOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpException) return { status: err.status, body: err.body };
    throw err;
  }
  throw new Error('expected an HttpException');
}

describe('parseUuidV4', () => {
  it('accepts v4 UUIDs in any case', () => {
    expect(parseUuidV4('8f0a4d4e-6a59-4b8e-9f6c-1d2e3f4a5b6c')).toBe('8f0a4d4e-6a59-4b8e-9f6c-1d2e3f4a5b6c');
    expect(isUuidV4('8F0A4D4E-6A59-4B8E-AF6C-1D2E3F4A5B6C')).toBe(true);
  });

  it.each([
    ['nil UUID', '00000000-0000-0000-0000-000000000000'],
    ['v1 UUID', 'c232ab00-9414-11ec-b3c8-9f6bdeced846'],
    ['v7 UUID', '018f3e4a-7b2c-7d3e-8f4a-5b6c7d8e9f00'],
    ['bad variant', '8f0a4d4e-6a59-4b8e-1f6c-1d2e3f4a5b6c'],
    ['not a UUID', 'abc'],
  ])('rejects a %s with the NestJS body', (_label, value) => {
    expect(bodyOf(() => parseUuidV4(value))).toEqual({
      status: 400,
      body: { message: 'Validation failed (uuid v 4 is expected)', error: 'Bad Request', statusCode: 400 },
    });
  });
});

describe('parseOptionalInt', () => {
  it('passes absent values through and parses digit strings', () => {
    expect(parseOptionalInt(undefined)).toBeUndefined();
    expect(parseOptionalInt('0')).toBe(0);
    expect(parseOptionalInt('25')).toBe(25);
    expect(parseOptionalInt('-1')).toBe(-1);
  });

  it.each([[''], ['1.5'], ['+1'], [' 1'], ['1e3'], ['ten'], [['1', '2']]])('rejects %j', (value) => {
    expect(bodyOf(() => parseOptionalInt(value))).toEqual({
      status: 400,
      body: { message: 'Validation failed (numeric string is expected)', error: 'Bad Request', statusCode: 400 },
    });
  });
});
