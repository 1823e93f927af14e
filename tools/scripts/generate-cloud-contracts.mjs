#!/usr/bin/env node
// Generates the TypeScript types of libs/shared/cloud-contracts from the OpenAPI files kept beside them.
//
//   node tools/scripts/generate-cloud-contracts.mjs          write src/generated/*.ts
//   node tools/scripts/generate-cloud-contracts.mjs --check  exit 1 when a committed file is out of date
//
// The Hetzner file describes the whole API (1.3 MB); only the paths the provisioning adapters call, and the
// component schemas they reach, are kept. The DigitalOcean file is already a subset, but with every $ref
// inlined: the droplet, size, region, action, account, error and list-envelope schemas are hoisted back
// into named component schemas (each occurrence is replaced by a $ref only when it is deep-equal, so the
// types mean the same), which keeps the generated file small and gives the types names. Examples are
// dropped before generation (they only add JSDoc noise); descriptions stay.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { default: openapiTS, astToString } = require('openapi-typescript');
const prettier = require('prettier');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIB = join(ROOT, 'libs', 'shared', 'cloud-contracts');

/** Paths kept from the Hetzner file (every method of each). */
const HETZNER_PATHS = ['/servers', '/servers/{id}', '/actions/{id}', '/server_types', '/locations'];

const SOURCES = [
  {
    input: 'openapi/hetzner-cloud-v1.openapi.json',
    output: 'src/generated/hetzner-cloud-v1.ts',
    subset: (spec) => subsetPaths(spec, HETZNER_PATHS),
  },
  {
    input: 'openapi/digitalocean-v2-provisioning-subset.openapi.json',
    output: 'src/generated/digitalocean-v2.ts',
    subset: (spec) => hoistSchemas(spec, DIGITALOCEAN_HOISTS),
  },
];

const pathPointer = (path) => `/paths/${path.replace(/\//g, '~1')}`;
const DO_JSON = 'content/application~1json/schema';
/** Named schemas to hoist out of the inlined DigitalOcean file: name → JSON pointer of one occurrence. */
const DIGITALOCEAN_HOISTS = {
  droplet: `${pathPointer('/v2/droplets/{droplet_id}')}/get/responses/200/${DO_JSON}/properties/droplet`,
  size: `${pathPointer('/v2/sizes')}/get/responses/200/${DO_JSON}/allOf/0/properties/sizes/items`,
  region: `${pathPointer('/v2/regions')}/get/responses/200/${DO_JSON}/allOf/0/properties/regions/items`,
  action: `${pathPointer('/v2/actions/{action_id}')}/get/responses/200/${DO_JSON}/properties/action`,
  account: `${pathPointer('/v2/account')}/get/responses/200/${DO_JSON}/properties/account`,
  error: `${pathPointer('/v2/droplets/{droplet_id}')}/get/responses/404/${DO_JSON}`,
  pagination: `${pathPointer('/v2/regions')}/get/responses/200/${DO_JSON}/allOf/1`,
  meta: `${pathPointer('/v2/regions')}/get/responses/200/${DO_JSON}/allOf/2`,
};

function pointerGet(root, pointer) {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => {
      if (node === undefined || node === null || !(key in node)) throw new Error(`no ${pointer} in the spec`);
      return node[key];
    }, root);
}

/** Moves the schemas at `hoists` into components.schemas and replaces every deep-equal copy with a $ref. */
function hoistSchemas(spec, hoists) {
  const byText = new Map();
  const schemas = {};
  for (const [name, pointer] of Object.entries(hoists)) {
    const schema = pointerGet(spec, pointer);
    byText.set(JSON.stringify(schema), name);
    schemas[name] = schema;
  }
  const replace = (node, self) => {
    if (Array.isArray(node)) return node.map((item) => replace(item));
    if (node === null || typeof node !== 'object') return node;
    const name = byText.get(JSON.stringify(node));
    if (name !== undefined && name !== self) return { $ref: `#/components/schemas/${name}` };
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, replace(value)]));
  };
  return {
    ...replace(spec),
    components: {
      ...spec.components,
      schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, replace(schema, name)])),
    },
  };
}

/** Keeps `paths` and the component schemas they reference, transitively. */
function subsetPaths(spec, paths) {
  const kept = {};
  for (const path of paths) {
    if (!spec.paths[path]) throw new Error(`path ${path} is not in the spec`);
    const { servers: _servers, ...item } = spec.paths[path];
    kept[path] = item;
  }
  const schemas = spec.components.schemas;
  const needed = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (!needed.has(name)) {
        needed.add(name);
        visit(schemas[name]);
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(kept);
  const keptSchemas = Object.fromEntries([...needed].sort().map((name) => [name, schemas[name]]));
  return {
    openapi: spec.openapi,
    info: spec.info,
    servers: spec.servers,
    security: spec.security,
    paths: kept,
    components: { schemas: keptSchemas, securitySchemes: spec.components.securitySchemes },
  };
}

/** Drops `example`/`examples` (values, not schema) everywhere; leaves properties that happen to be named so. */
function dropExamples(node, inProperties = false) {
  if (Array.isArray(node)) return node.map((item) => dropExamples(item));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (!inProperties && (key === 'example' || key === 'examples' || key === 'x-codeSamples')) continue;
    out[key] = dropExamples(value, key === 'properties' && !inProperties);
  }
  return out;
}

async function generate({ input, output, subset }) {
  const raw = readFileSync(join(LIB, input));
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const spec = subset(dropExamples(JSON.parse(raw.toString('utf8'))));
  const ast = await openapiTS(spec, { silent: true });
  const header = [
    '/**',
    ` * Generated by tools/scripts/generate-cloud-contracts.mjs (openapi-typescript) from`,
    ` * libs/shared/cloud-contracts/${input}`,
    ` * (sha256 ${sha256}). Do not edit: run \`npm run cloud-contracts:generate\`.`,
    ' */',
    '',
  ].join('\n');
  const target = join(LIB, output);
  const options = { ...(await prettier.resolveConfig(target)), filepath: target };
  return { target, text: await prettier.format(header + astToString(ast), options) };
}

const check = process.argv.includes('--check');
let stale = 0;
for (const source of SOURCES) {
  const { target, text } = await generate(source);
  const name = relative(ROOT, target);
  let current = null;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: stale
  }
  if (current === text) {
    console.log(`${name}: up to date (${text.length} bytes)`);
  } else if (check) {
    stale++;
    console.error(`${name}: out of date; run npm run cloud-contracts:generate`);
  } else {
    writeFileSync(target, text);
    console.log(`${name}: written (${text.length} bytes)`);
  }
}
process.exit(stale > 0 ? 1 : 0);
