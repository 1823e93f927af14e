import fc from 'fast-check';
import type { JsonSchema, Operation, ParameterSpec } from './openapi-operations';

/**
 * Request plans for one operation: a valid-looking base request with exactly one thing wrong. A plan is
 * `forbidden` when what is wrong is something the schema (or the API's string rule) refuses, so any 2xx
 * answer is a failure; the other plans (random ids, odd headers) only must not fail the server.
 */

/** A path parameter: the fixture's real value, or a raw (already URL-encoded) segment. */
export type PathValue = { real: true } | { raw: string };

export interface RequestPlan {
  operation: string;
  /** Which of the fixture clients supplies the real ids. */
  fixture: number;
  pathValues: Record<string, PathValue>;
  /** Raw (already URL-encoded) query pairs. */
  query: Array<[string, string]>;
  body?: string;
  contentType?: string;
  headers: Record<string, string>;
  /** What is wrong with the request; undefined when a 2xx is acceptable. */
  forbidden?: string;
  /** What the plan did, for the report. */
  what: string;
}

/** Keys whose strings may carry control characters (the API's rule for free text content). */
const TEXT_CONTENT_KEYS = new Set(['content', 'message', 'cmd', 'inputs']);
const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', 'a\uDFFFb', '\uD83D'];
const CONTROLS = ['\x01', '\x07', '\x08', '\x0B', '\x1B[31m', '\x7F'];
const EMOJI = ['😀', '👩‍👩‍👧‍👦', '🏳️‍🌈', '\u200B', '\uFEFF', 'Ω≈ç√∫', 'ﷺ', '𝕏'];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
const BAD_UUIDS = [
  'not-a-uuid',
  '1',
  '-1',
  '0',
  'null',
  'undefined',
  '00000000-0000-4000-8000-00000000000',
  '00000000-0000-4000-8000-000000000000x',
  '000000000000400080000000000000000',
  '{00000000-0000-4000-8000-000000000000}',
  'g0000000-0000-4000-8000-000000000000',
  '00000000-0000-4000-8000-000000000000%00',
  '%00',
  '%1B',
  '%F0%9F%98%80',
  'x'.repeat(300),
  '1e999',
  'true',
];
/** Raw JSON text that JSON.stringify cannot make (infinite, unsafe-integer and negative-zero numbers). */
const RAW_NUMBERS = ['1e999', '-1e999', '9007199254740993', '1e-400', '-0.0', '123456789012345678901234567890'];

/** A marker for raw JSON text placed inside a value; `toJsonText` substitutes it. */
const raw = (text: string) => `@@raw:${text}@@`;

export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"@@raw:(.*?)@@"/g, '$1');
}

/** A value the schema accepts (as far as one schema can tell: cross-field rules are not modelled). */
export function validValue(schema: JsonSchema, key = ''): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.anyOf?.length) return validValue(schema.anyOf[0], key);
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return validString(schema);
    case 'integer':
    case 'number':
      return schema.minimum ?? Math.min(1, schema.maximum ?? 1);
    case 'boolean':
      return false;
    case 'array': {
      const item = schema.items ?? { type: 'string' };
      return Array.from({ length: schema.minItems ?? 0 }, () => validValue(item));
    }
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((name) => [name, validValue(schema.properties?.[name] ?? {}, name)]),
      );
    default:
      return 'fuzz';
  }
}

function validString(schema: JsonSchema): string {
  switch (schema.format) {
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    case 'email':
      return 'fuzz@example.com';
    case 'uri':
      return 'http://127.0.0.1:9/';
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    default:
      break;
  }
  const min = schema.minLength ?? 0;
  const candidates = ['fuzz', 'main', 'FUZZ_VALUE', 'fuzz-value-0123456789abcdef', 'x'.repeat(min)];
  const fits = (text: string) =>
    text.length >= min &&
    text.length <= (schema.maxLength ?? Infinity) &&
    (schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(text));
  return candidates.find(fits) ?? 'fuzz';
}

/** The JSON types a schema accepts; undefined when it accepts anything. */
function acceptedTypes(schema: JsonSchema): Set<string> | undefined {
  if (schema.anyOf) {
    const union = new Set<string>();
    for (const branch of schema.anyOf) {
      const types = acceptedTypes(branch);
      if (!types) return undefined;
      types.forEach((type) => union.add(type));
    }
    if (schema.nullable) union.add('null');
    return union;
  }
  if (!schema.type) return undefined;
  const types = new Set([schema.type === 'integer' ? 'number' : schema.type]);
  if (schema.nullable) types.add('null');
  return types;
}

interface Bad {
  value: unknown;
  why: string;
}

const SAMPLES_BY_TYPE: Record<string, unknown[]> = {
  string: ['fuzz', '', '0', 'true', 'null'],
  number: [0, -1, 42, 1.5, Number.MAX_SAFE_INTEGER, ...RAW_NUMBERS.map(raw)],
  boolean: [true, false],
  null: [null],
  object: [{}, { a: 1 }, { __proto__key: 1 }],
  array: [[], ['fuzz'], [null], [[]]],
};

/** Values of a JSON type the schema does not accept. */
function wrongType(schema: JsonSchema): fc.Arbitrary<Bad> | undefined {
  const accepted = acceptedTypes(schema);
  if (!accepted) return undefined;
  const others = Object.entries(SAMPLES_BY_TYPE)
    .filter(([type]) => !accepted.has(type))
    .flatMap(([type, values]) =>
      values.map((value) => ({ value, why: `${type} where ${[...accepted].join('|')} is expected` })),
    );
  return others.length ? fc.constantFrom(...others) : undefined;
}

/** Strings the API's string rule refuses anywhere (and control characters outside text content). */
function unsafeString(key: string): fc.Arbitrary<Bad> {
  const options: Array<fc.Arbitrary<Bad>> = [
    fc.constantFrom('\0', 'a\0', '\0b', 'name\0.txt').map((value) => ({ value, why: 'a NUL character' })),
    fc.constantFrom(...LONE_SURROGATES).map((value) => ({ value, why: 'a lone surrogate' })),
  ];
  if (!TEXT_CONTENT_KEYS.has(key)) {
    options.push(fc.constantFrom(...CONTROLS).map((value) => ({ value: `a${value}b`, why: 'a control character' })));
  }
  return fc.oneof(...options);
}

/** Values (of the right type or not) the schema refuses. */
export function forbiddenValue(schema: JsonSchema, key = ''): fc.Arbitrary<Bad> {
  const options: Array<fc.Arbitrary<Bad>> = [];
  const wrong = wrongType(schema);
  if (wrong) options.push(wrong);
  const types = acceptedTypes(schema);
  const only = (type: string) => types !== undefined && types.size <= 2 && types.has(type) && !schema.anyOf;
  if (schema.enum?.length && !schema.anyOf) {
    options.push(
      fc
        .constantFrom('fuzz', 'ADMIN', ' admin', `${String(schema.enum[0])} `, '')
        .map((value) => ({ value, why: 'not one of the enum' })),
    );
  }
  if (only('string')) {
    options.push(unsafeString(key));
    if (schema.maxLength !== undefined && schema.maxLength < 100_000) {
      options.push(
        fc.constant({ value: 'x'.repeat(schema.maxLength + 1), why: `over ${schema.maxLength} characters` }),
      );
    }
    const minLength = schema.minLength ?? 0;
    if (minLength > 0) {
      options.push(fc.constant({ value: 'x'.repeat(minLength - 1), why: `under ${minLength} characters` }));
    }
    const format = {
      uuid: BAD_UUIDS,
      email: ['not-an-email', 'a@', '@b.c', 'a b@c.d'],
      uri: ['not a url', 'http//x'],
      'date-time': ['yesterday', '2026-13-01T00:00:00Z', '2026-01-01'],
    }[schema.format ?? ''];
    if (format) options.push(fc.constantFrom(...format).map((value) => ({ value, why: `not a ${schema.format}` })));
    if (schema.pattern && !format) {
      const pattern = new RegExp(schema.pattern, 'u');
      const misses = ['a b', '-x', 'é', '$(id)', 'a;b', '\\'].filter((text) => !pattern.test(text));
      if (misses.length)
        options.push(fc.constantFrom(...misses).map((value) => ({ value, why: 'does not match the pattern' })));
    }
  }
  if (only('number')) {
    const numbers: Bad[] = [raw('1e999'), raw('-1e999')].map((value) => ({ value, why: 'an infinite number' }));
    if (schema.maximum !== undefined)
      numbers.push({ value: schema.maximum + 1, why: `over ${schema.maximum}` }, { value: raw('1e308'), why: 'huge' });
    if (schema.minimum !== undefined)
      numbers.push(
        { value: schema.minimum - 1, why: `under ${schema.minimum}` },
        { value: raw('-1e308'), why: 'hugely negative' },
      );
    if (schema.type === 'integer') numbers.push({ value: (schema.minimum ?? 0) + 0.5, why: 'not an integer' });
    options.push(fc.constantFrom(...numbers));
  }
  if (only('array') && schema.items) {
    options.push(forbiddenValue(schema.items, key).map((bad) => ({ value: [bad.value], why: `an item: ${bad.why}` })));
    if ((schema.minItems ?? 0) > 0) options.push(fc.constant({ value: [], why: 'too few items' }));
    if (schema.maxItems !== undefined && schema.maxItems <= 1000) {
      const item = validValue(schema.items);
      options.push(fc.constant({ value: Array(schema.maxItems + 1).fill(item), why: 'too many items' }));
    }
  }
  if (only('object') && schema.additionalProperties === false) {
    options.push(
      unknownKey().map((unknown) => ({
        value: withKey(validValue(schema) as object, unknown, 1),
        why: `unknown field ${JSON.stringify(unknown)}`,
      })),
    );
  }
  return options.length ? fc.oneof(...options) : fc.constant({ value: Symbol.for('unrepresentable'), why: 'none' });
}

function unknownKey(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...PROTOTYPE_KEYS),
    fc.constantFrom('fuzz', 'id', 'createdAt', 'isGlobalAdmin', 'x'.repeat(300), '', ' ', '$where', 'a.b', '0'),
    fc.constantFrom(...EMOJI, '\0', '\uD800', 'a\x1Bb'),
  );
}

function withKey(target: object, key: string, value: unknown): object {
  const copy = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Every place a body value can be set: [path, schema, key], walking properties and array items. */
function bodySlots(
  schema: JsonSchema,
  path: Array<string | number> = [],
  depth = 0,
): Array<[Array<string | number>, JsonSchema, string]> {
  const slots: Array<[Array<string | number>, JsonSchema, string]> = [];
  if (depth > 3) return slots;
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    slots.push([[...path, name], child, name]);
    if (child.type === 'object') slots.push(...bodySlots(child, [...path, name], depth + 1));
    if (child.type === 'array' && child.items?.type === 'object')
      slots.push(...bodySlots(child.items, [...path, name, 0], depth + 1));
    if (typeof child.additionalProperties === 'object')
      slots.push([[...path, name, 'FUZZ'], child.additionalProperties, name]);
  }
  return slots;
}

/** A full valid body in which every object and array on the way to any slot exists. */
function fullBody(schema: JsonSchema): Record<string, unknown> {
  const body = validValue(schema) as Record<string, unknown>;
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    if (body[name] !== undefined) continue;
    if (child.type === 'object') body[name] = fullBody(child);
    else if (child.type === 'array' && child.items?.type === 'object') body[name] = [fullBody(child.items)];
  }
  return body;
}

function setAt(root: Record<string, unknown>, path: Array<string | number>, value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  let node: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) {
    if (node[step] === undefined || node[step] === null || typeof node[step] !== 'object')
      node[step] = typeof step === 'number' ? [] : {};
    node = node[step] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]] = value;
  return copy;
}

/** A segment or query value as the URL carries it: percent-encoded, lone surrogates as their raw bytes. */
export function urlText(text: string): string {
  if (/%[0-9A-Fa-f]{2}/.test(text) && !/[^\x21-\x7E]/.test(text)) return text; // already encoded on purpose
  return Array.from(text, (char) => {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff)
      return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    return encodeURIComponent(char);
  }).join('');
}

function basePlan(op: Operation, fixture: number): RequestPlan {
  const query = op.queryParams
    .filter((param) => param.required)
    .map((param): [string, string] => [param.name, urlText(String(validValue(param.schema, param.name)))]);
  const plan: RequestPlan = {
    operation: op.key,
    fixture,
    pathValues: Object.fromEntries(op.pathParams.map((param) => [param.name, { real: true } as PathValue])),
    query,
    headers: {},
    what: 'base',
  };
  if (op.body) {
    plan.body = toJsonText(validValue(op.body));
    plan.contentType = 'application/json';
  }
  return plan;
}

type Mutation = (plan: RequestPlan) => RequestPlan;
const mutation =
  (what: string, forbidden: boolean, apply: (plan: RequestPlan) => Partial<RequestPlan>): Mutation =>
  (plan) => ({
    ...plan,
    ...apply(plan),
    what,
    forbidden: forbidden ? what : undefined,
  });

function pathMutations(op: Operation): Array<fc.Arbitrary<Mutation>> {
  return op.pathParams.map((param) =>
    fc.oneof(
      forbiddenPathValue(param).map((bad) =>
        mutation(`path ${param.name}: ${bad.why} (${JSON.stringify(bad.value)})`, true, (plan) => ({
          pathValues: { ...plan.pathValues, [param.name]: { raw: bad.value } },
        })),
      ),
      ...(param.schema.format === 'uuid'
        ? [
            fc.uuid({ version: 4 }).map((id) =>
              mutation(`path ${param.name}: a random id`, false, (plan) => ({
                pathValues: { ...plan.pathValues, [param.name]: { raw: id } },
              })),
            ),
          ]
        : []),
    ),
  );
}

function forbiddenPathValue(param: ParameterSpec): fc.Arbitrary<{ value: string; why: string }> {
  const schema = param.schema.anyOf ? { type: 'string', minLength: 1, maxLength: 255 } : param.schema;
  const options: Array<fc.Arbitrary<{ value: string; why: string }>> = [
    fc
      .constantFrom('%00', 'a%00b', '%ED%A0%80', 'a%1Bb', '%7F')
      .map((value) => ({ value, why: 'an unsafe character' })),
  ];
  if (schema.format === 'uuid')
    options.push(fc.constantFrom(...BAD_UUIDS).map((value) => ({ value: urlText(value), why: 'not a uuid' })));
  if (schema.enum)
    options.push(
      fc.constantFrom('aws', 'HETZNER', 'hetzner%20').map((value) => ({ value, why: 'not one of the enum' })),
    );
  if (schema.maxLength !== undefined)
    options.push(fc.constant({ value: 'x'.repeat(schema.maxLength + 1), why: `over ${schema.maxLength} characters` }));
  if (schema.pattern && !schema.format) {
    const pattern = new RegExp(schema.pattern, 'u');
    const misses = ['a b', 'é', '$(id)', 'a;b', 'a,b'].filter((text) => !pattern.test(text));
    if (misses.length)
      options.push(
        fc.constantFrom(...misses).map((value) => ({ value: urlText(value), why: 'does not match the pattern' })),
      );
  }
  return fc.oneof(...options);
}

function queryMutations(op: Operation): Array<fc.Arbitrary<Mutation>> {
  if (op.queryParams.length === 0) return [];
  const mutations: Array<fc.Arbitrary<Mutation>> = [
    unknownKey()
      .filter((key) => key !== '' && key !== ' ')
      .map((key) =>
        mutation(`query: unknown key ${JSON.stringify(key)}`, true, (plan) => ({
          query: [...plan.query, [urlText(key), '1']],
        })),
      ),
  ];
  for (const param of op.queryParams) {
    const without = (plan: RequestPlan) => plan.query.filter(([name]) => name !== param.name);
    mutations.push(
      forbiddenQueryValue(param).map((bad) =>
        mutation(`query ${param.name}: ${bad.why} (${JSON.stringify(bad.value)})`, true, (plan) => ({
          query: [...without(plan), [param.name, bad.value]],
        })),
      ),
      fc.constant(
        mutation(`query ${param.name}: given twice`, true, (plan) => {
          const value = urlText(String(validValue(param.schema, param.name)));
          return { query: [...without(plan), [param.name, value], [param.name, value]] };
        }),
      ),
    );
    if (param.required)
      mutations.push(fc.constant(mutation(`query ${param.name}: missing`, true, (plan) => ({ query: without(plan) }))));
  }
  return mutations;
}

function forbiddenQueryValue(param: ParameterSpec): fc.Arbitrary<{ value: string; why: string }> {
  const schema = param.schema;
  const options: Array<fc.Arbitrary<{ value: string; why: string }>> = [];
  if (schema.type === 'integer' || schema.type === 'number') {
    const values = ['abc', '1e999', '-1e999', 'NaN', 'Infinity', '1,5', '%00'];
    if (schema.type === 'integer') values.push(`${(schema.minimum ?? 0) + 0.5}`);
    if (schema.maximum !== undefined) values.push(String(schema.maximum + 1), '9'.repeat(400));
    if (schema.minimum !== undefined) values.push(String(schema.minimum - 1), `-${'9'.repeat(400)}`);
    options.push(fc.constantFrom(...values).map((value) => ({ value, why: 'not an allowed number' })));
  } else {
    // A lone surrogate cannot travel in a URL (its bytes decode to U+FFFD): only NUL and controls here.
    options.push(
      unsafeString(param.name)
        .filter((bad) => bad.why !== 'a lone surrogate')
        .map((bad) => ({ value: urlText(bad.value as string), why: bad.why })),
    );
    if (schema.maxLength !== undefined)
      options.push(
        fc.constant({ value: 'x'.repeat(schema.maxLength + 1), why: `over ${schema.maxLength} characters` }),
      );
    if (schema.enum)
      options.push(fc.constantFrom('fuzz', 'ACTIVE', '%00').map((value) => ({ value, why: 'not one of the enum' })));
    if (schema.format === 'date-time')
      options.push(
        fc
          .constantFrom('yesterday', '2026-13-01T00%3A00%3A00Z', '1e999')
          .map((value) => ({ value, why: 'not a date-time' })),
      );
    if ((schema.minLength ?? 0) > 0) options.push(fc.constant({ value: '', why: 'empty' }));
  }
  return fc.oneof(...options);
}

function bodyMutations(op: Operation): Array<fc.Arbitrary<Mutation>> {
  const schema = op.body;
  if (!schema) return [];
  const full = fullBody(schema);
  const json = (value: unknown) => ({ body: toJsonText(value), contentType: 'application/json' });
  const mutations: Array<fc.Arbitrary<Mutation>> = [
    fc
      .constantFrom(
        '{',
        '{"a":',
        '{"a":1,}',
        "{'a':1}",
        '{"a":1}}',
        'nul',
        '[1,2',
        '{"a":"\\x"}',
        '{"a":NaN}',
        '\u0000',
        '{"a":1} x',
      )
      .map((text) =>
        mutation(`body: malformed JSON ${JSON.stringify(text)}`, true, () => ({
          body: text,
          contentType: 'application/json',
        })),
      ),
    fc
      .constantFrom<unknown>([], [full], 'text', 0, -1, true, null, raw('1e999'))
      .map((value) => mutation(`body: a bare ${JSON.stringify(value)}`, true, () => json(value))),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
      )
      .map((type) => mutation(`body: sent as ${type}`, true, (plan) => ({ contentType: type, body: plan.body }))),
    // One slot for the two costly shapes, so they stay a small share of the run.
    fc.constantFrom(
      mutation('body: over 1 MB', true, () => json({ ...full, padding: 'x'.repeat(1_100_000) })),
      mutation('body: nested 10,000 deep', true, () => ({
        body: `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
        contentType: 'application/json',
      })),
    ),
  ];
  if (schema.additionalProperties === false) {
    mutations.push(
      unknownKey().map((key) =>
        mutation(`body: unknown field ${JSON.stringify(key)}`, true, () => json(withKey(full, key, { role: 'admin' }))),
      ),
      fc.constantFrom(...PROTOTYPE_KEYS).map((key) =>
        mutation(`body: raw JSON key ${key}`, true, () => ({
          body: `{${toJsonText(full).slice(1, -1)}${Object.keys(full).length ? ',' : ''}"${key}":{"isGlobalAdmin":true}}`,
          contentType: 'application/json',
        })),
      ),
    );
  }
  for (const name of schema.required ?? []) {
    mutations.push(
      fc.constant(
        mutation(`body: required ${name} missing`, true, () => {
          const copy: Record<string, unknown> = { ...full };
          delete copy[name];
          return json(copy);
        }),
      ),
    );
  }
  for (const [path, slot, key] of bodySlots(schema)) {
    mutations.push(
      forbiddenValue(slot, key)
        .filter((bad) => typeof bad.value !== 'symbol')
        .map((bad) => mutation(`body ${path.join('.')}: ${bad.why}`, true, () => json(setAt(full, path, bad.value)))),
    );
  }
  return mutations;
}

/** Requests a 2xx may answer: odd headers, tokens and accept types on an otherwise plain request. */
function harmlessMutations(op: Operation): Array<fc.Arbitrary<Mutation>> {
  const header = fc.constantFrom<[string, string]>(
    ['x-request-id', 'x'.repeat(400)],
    ['x-request-id', '../../etc/passwd'],
    ['x-request-id', 'caf\u00e9'],
    ['accept', 'text/html'],
    ['accept', 'application/xml'],
    ['accept-language', '\u00ff'.repeat(50)],
    ['x-forwarded-for', 'not-an-ip'],
    ['origin', 'null'],
  );
  const mutations: Array<fc.Arbitrary<Mutation>> = [
    header.map(([name, value]) =>
      mutation(`header ${name}: ${value.slice(0, 40)}`, false, (plan) => ({
        headers: { ...plan.headers, [name]: value },
      })),
    ),
    fc
      .constantFrom('Bearer x', 'Bearer ', 'Basic YTpi', 'ApiKey x', 'Bearer a.b.c', `Bearer ${'x'.repeat(4000)}`)
      .map((value) =>
        mutation(`authorization: ${value.slice(0, 20)}`, false, (plan) => ({
          headers: { ...plan.headers, authorization: value },
        })),
      ),
  ];
  if (op.queryParams.length === 0) {
    mutations.push(
      unknownKey().map((key) =>
        mutation(`query: undeclared ${JSON.stringify(key)}`, false, (plan) => ({
          query: [...plan.query, [urlText(key), urlText(key)]],
        })),
      ),
    );
  }
  return mutations;
}

/** Every kind of plan for one operation, weighted towards the forbidden ones. */
export function planArbitrary(op: Operation, fixtures: number): fc.Arbitrary<RequestPlan> {
  const forbidden = [...pathMutations(op), ...queryMutations(op), ...bodyMutations(op)];
  // A harmless request may succeed: outside GET it aims at random ids, so it cannot use up the fixtures.
  const uuidParams = op.method === 'GET' ? [] : op.pathParams.filter((param) => param.schema.format === 'uuid');
  const harmless = fc.tuple(fc.oneof(...harmlessMutations(op)), fc.uuid({ version: 4 })).map(
    ([mutate, id]): Mutation =>
      (plan) =>
        mutate({
          ...plan,
          pathValues: {
            ...plan.pathValues,
            ...Object.fromEntries(uuidParams.map((param) => [param.name, { raw: id }])),
          },
        }),
  );
  const choice = forbidden.length
    ? fc.oneof({ arbitrary: fc.oneof(...forbidden), weight: 4 }, { arbitrary: harmless, weight: 1 })
    : harmless;
  return fc.tuple(fc.nat(fixtures - 1), choice).map(([fixture, mutate]) => mutate(basePlan(op, fixture)));
}
