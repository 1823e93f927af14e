import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Validates HTTP responses (and request bodies) against the kept OpenAPI files, for tests of the provider
 * adapters and of the cloud simulators. Node only: it reads the files from this library's `openapi/` folder.
 *
 * The files are used as they are, except for these documented, minimal adjustments:
 * - Hetzner: the error responses are keyed `4xx`/`5xx`; OpenAPI wants `4XX`/`5XX`, so the keys are upper-cased.
 * - Hetzner: `server.required` still lists `datacenter`, which the live API removed on 2026-07-01; it is dropped
 *   from `required` (the property stays allowed).
 * - DigitalOcean: the droplet `status` enum holds the boolean `false` where its YAML source said `off`; it is
 *   read as the string `off`.
 * - Both: OpenAPI 3.0 `nullable: true` becomes "this schema, or null", whatever the schema (Ajv's own
 *   `nullable` support needs a `type` beside it, which `allOf: [$ref]` properties do not have).
 */
export type CloudProvider = 'hetzner' | 'digitalocean';

export const OPENAPI_DIR = join(__dirname, '..', '..', 'openapi');
export const OPENAPI_FILES: Readonly<Record<CloudProvider, string>> = {
  hetzner: join(OPENAPI_DIR, 'hetzner-cloud-v1.openapi.json'),
  digitalocean: join(OPENAPI_DIR, 'digitalocean-v2-provisioning-subset.openapi.json'),
};

type Json = Record<string, unknown>;
type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ContractCheck {
  valid: boolean;
  /** Which response of the operation was used: `200`, `4XX`, `default`, … (undefined when none fits). */
  responseKey?: string;
  errors: string[];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function adjustHetzner(spec: Json): void {
  for (const item of Object.values(spec['paths'] as Json)) {
    for (const operation of Object.values(item as Json)) {
      const responses = isObject(operation) ? operation['responses'] : undefined;
      if (!isObject(responses)) continue;
      for (const key of Object.keys(responses)) {
        if (/^[1-5]xx$/.test(key)) {
          responses[key.toUpperCase()] = responses[key];
          delete responses[key];
        }
      }
    }
  }
  const server = ((spec['components'] as Json)['schemas'] as Json)['server'] as Json;
  server['required'] = (server['required'] as string[]).filter((name) => name !== 'datacenter');
}

function adjustDigitalOcean(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(adjustDigitalOcean);
    return;
  }
  if (!isObject(node)) return;
  const values = node['enum'];
  if (Array.isArray(values) && values.includes(false) && values.some((value) => typeof value === 'string')) {
    node['enum'] = values.map((value) => (value === false ? 'off' : value));
  }
  Object.values(node).forEach(adjustDigitalOcean);
}

/** OpenAPI 3.0 schema (dereferenced object graph) → JSON Schema for Ajv; shared sub-schemas stay shared. */
function toJsonSchema(schema: unknown, seen = new Map<object, unknown>()): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, seen));
  if (!isObject(schema)) return schema;
  const known = seen.get(schema);
  if (known !== undefined) return known;
  const out: Json = {};
  const result: Json = schema['nullable'] === true ? { anyOf: [out, { type: 'null' }] } : out;
  seen.set(schema, result);
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'example' || key === 'examples') continue;
    // `properties` maps names to schemas; a property may itself be called `nullable`, `example`, …
    out[key] =
      key === 'properties' && isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub, seen)]))
        : toJsonSchema(value, seen);
  }
  return result;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''}`.trim());
}

export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(
    readonly provider: CloudProvider,
    private readonly spec: Json,
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    // Hetzner prices are decimal strings such as "1.0000000000".
    this.ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
  }

  /** The operation object of `method` on a path template as the spec writes it (`/servers/{id}`). */
  operation(method: HttpMethod, pathTemplate: string): Json {
    const item = (this.spec['paths'] as Json)[pathTemplate];
    const operation = isObject(item) ? item[method] : undefined;
    if (!isObject(operation)) {
      throw new Error(`${this.provider}: no operation ${method.toUpperCase()} ${pathTemplate} in the contract`);
    }
    return operation;
  }

  /**
   * Checks one response: the status must be listed by the operation (exactly, as a `4XX`-style range, or
   * through `default`), and the body must match that response's JSON schema; a response without content must
   * come without a body (`undefined` or the empty string).
   */
  checkResponse(method: HttpMethod, pathTemplate: string, status: number, body: unknown): ContractCheck {
    const responses = this.operation(method, pathTemplate)['responses'] as Json;
    const responseKey = [String(status), `${String(status)[0]}XX`, 'default'].find((key) => key in responses);
    if (responseKey === undefined) {
      return {
        valid: false,
        errors: [`status ${status} is not listed (listed: ${Object.keys(responses).join(', ')})`],
      };
    }
    const response = responses[responseKey] as Json;
    const content = response['content'] as Json | undefined;
    const media = content?.['application/json'] as Json | undefined;
    if (!media?.['schema']) {
      const empty = body === undefined || body === '';
      return { valid: empty, responseKey, errors: empty ? [] : ['expected no body'] };
    }
    return { ...this.checkSchema(media['schema'] as object, body), responseKey };
  }

  /** Checks a JSON request body against the operation's `application/json` request schema. */
  checkRequestBody(method: HttpMethod, pathTemplate: string, body: unknown): ContractCheck {
    const requestBody = this.operation(method, pathTemplate)['requestBody'] as Json | undefined;
    const media = (requestBody?.['content'] as Json | undefined)?.['application/json'] as Json | undefined;
    if (!media?.['schema']) {
      return { valid: false, errors: ['the operation takes no JSON body'] };
    }
    return this.checkSchema(media['schema'] as object, body);
  }

  /** Like `checkResponse`, but throws an error that names the operation, the status and what is wrong. */
  assertResponse(method: HttpMethod, pathTemplate: string, status: number, body: unknown): string {
    const check = this.checkResponse(method, pathTemplate, status, body);
    if (!check.valid) {
      const shown = JSON.stringify(body);
      throw new Error(
        `${this.provider} ${method.toUpperCase()} ${pathTemplate} → ${status} breaks the contract` +
          ` (response ${check.responseKey ?? 'none'}):\n  ${check.errors.join('\n  ')}\nbody: ${shown?.slice(0, 2000)}`,
      );
    }
    return check.responseKey as string;
  }

  private checkSchema(schema: object, body: unknown): Omit<ContractCheck, 'responseKey'> {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as object);
      this.compiled.set(schema, validate);
    }
    const valid = validate(body) as boolean;
    return { valid, errors: valid ? [] : formatErrors(validate.errors) };
  }
}

const cache = new Map<CloudProvider, Promise<OpenApiContract>>();

/** Loads (once per process) and dereferences a provider's contract, with the adjustments described above. */
export function loadOpenApiContract(provider: CloudProvider): Promise<OpenApiContract> {
  let loading = cache.get(provider);
  if (!loading) {
    loading = (async () => {
      const spec = JSON.parse(readFileSync(OPENAPI_FILES[provider], 'utf8')) as Json;
      if (provider === 'hetzner') adjustHetzner(spec);
      else adjustDigitalOcean(spec);
      const dereferenced = (await SwaggerParser.dereference(spec as never)) as unknown as Json;
      return new OpenApiContract(provider, dereferenced);
    })();
    cache.set(provider, loading);
  }
  return loading;
}
