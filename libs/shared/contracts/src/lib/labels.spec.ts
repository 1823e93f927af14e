import { z } from 'zod';
import { environmentNameProblem, MAX_LABELS } from './label-rules';
import { labelKeysSchema, labelsSchema } from './labels';

function issues(schema: z.ZodType, value: unknown): { path: string; message: string }[] {
  const result = schema.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('labelsSchema', () => {
  const valid: Record<string, string>[] = [
    {},
    { region: 'eu' },
    { tier: '' },
    { 'example.com/tier': 'web', 'a.b-c_d': 'X.y-Z_9' },
    { [`${'a'.repeat(253)}/${'n'.repeat(63)}`]: 'v'.repeat(63) },
    { 'sub.example-1.com/Name': 'v' },
    Object.fromEntries(Array.from({ length: MAX_LABELS }, (_, index) => [`key${index}`, `v${index}`])),
  ];
  it.each(valid)('accepts %j', (labels) => {
    expect(labelsSchema.parse(labels)).toEqual(labels);
  });

  const invalid: [Record<string, unknown>, string, RegExp][] = [
    [{ '-region': 'eu' }, '-region', /invalid label key: the name must be letters/],
    [{ 'region-': 'eu' }, 'region-', /invalid label key/],
    [{ '': 'eu' }, '', /the name must not be empty/],
    [{ [`${'n'.repeat(64)}`]: 'v' }, 'n'.repeat(64), /the name must be at most 63 characters/],
    [{ [`${'a'.repeat(254)}/n`]: 'v' }, `${'a'.repeat(254)}/n`, /the prefix must be at most 253 characters/],
    [{ 'Example.com/n': 'v' }, 'Example.com/n', /the prefix must be a DNS subdomain/],
    [{ 'a..b/n': 'v' }, 'a..b/n', /the prefix must be a DNS subdomain/],
    [{ 'a/b/c': 'v' }, 'a/b/c', /the prefix must be a DNS subdomain/],
    [{ '/n': 'v' }, '/n', /the prefix before "\/" must not be empty/],
    [{ 'a.com/': 'v' }, 'a.com/', /the name must not be empty/],
    [{ 'has space': 'v' }, 'has space', /invalid label key/],
    [{ region: 'e u' }, 'region', /invalid label value: must be empty or letters/],
    [{ region: '-eu' }, 'region', /invalid label value/],
    [{ region: 'v'.repeat(64) }, 'region', /invalid label value: must be at most 63 characters/],
    [{ region: 'ünïcode' }, 'region', /invalid label value/],
    [{ region: 1 }, 'region', /expected string/],
  ];
  it.each(invalid)('refuses %j naming the key', (labels, path, message) => {
    expect(issues(labelsSchema, labels)).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it(`refuses more than ${MAX_LABELS} labels`, () => {
    const labels = Object.fromEntries(Array.from({ length: MAX_LABELS + 1 }, (_, index) => [`k${index}`, 'v']));
    expect(issues(labelsSchema, labels)).toEqual([{ path: '', message: 'at most 20 labels (got 21)' }]);
  });

  it('refuses a non-object', () => {
    expect(issues(labelsSchema, ['region=eu'])).toHaveLength(1);
  });
});

describe('labelKeysSchema', () => {
  it('accepts keys and names a bad one by its index', () => {
    expect(labelKeysSchema.parse(['region', 'example.com/tier'])).toEqual(['region', 'example.com/tier']);
    expect(issues(labelKeysSchema, ['region', 'bad key'])).toEqual([
      { path: '1', message: expect.stringMatching(/invalid label key/) },
    ]);
    expect(issues(labelKeysSchema, [])).toHaveLength(1);
  });
});

describe('environmentNameProblem', () => {
  it.each(['production', 'eu-staging', 'dev_1', 'A.b'])('accepts %j', (name) => {
    expect(environmentNameProblem(name)).toBeUndefined();
  });
  it.each(['', '-prod', 'prod ', 'a/b', 'x'.repeat(64)])('refuses %j', (name) => {
    expect(environmentNameProblem(name)).toEqual(expect.any(String));
  });
});
