import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '../controller-process';

/** The parts of a JSON schema (OpenAPI 3.0 flavour) the fuzzer reads. */
export interface JsonSchema {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  default?: unknown;
}

export interface ParameterSpec {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

/** One operation of the committed OpenAPI document, with `$ref`s resolved. */
export interface Operation {
  /** `METHOD /path/{template}`, as in the document. */
  key: string;
  method: string;
  path: string;
  pathParams: ParameterSpec[];
  queryParams: ParameterSpec[];
  body?: JsonSchema;
}

export const OPENAPI_FILE = join(WORKSPACE_ROOT, 'apps/agent-controller/openapi.json');

interface RawParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}

/** Every operation of the document, in document order: a route added later is fuzzed without more work. */
export function loadOperations(file = OPENAPI_FILE): Operation[] {
  const document = JSON.parse(readFileSync(file, 'utf8'));
  const schemas: Record<string, unknown> = document.components?.schemas ?? {};
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node === null || typeof node !== 'object') return node;
    const ref = (node as { $ref?: string }).$ref;
    if (typeof ref === 'string') return resolve(schemas[ref.replace('#/components/schemas/', '')]);
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolve(value)]));
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries<Record<string, Record<string, unknown>>>(document.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const parameters = (resolve(raw['parameters'] ?? []) as RawParameter[]).map((parameter) => ({
        ...parameter,
        spec: { name: parameter.name, required: parameter.required === true, schema: parameter.schema ?? {} },
      }));
      const content = (raw['requestBody'] as { content?: Record<string, { schema: unknown }> } | undefined)?.content;
      const json = content?.['application/json']?.schema;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.spec),
        queryParams: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.spec),
        body: json === undefined ? undefined : (resolve(json) as JsonSchema),
      });
    }
  }
  return operations;
}
