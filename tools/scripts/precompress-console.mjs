#!/usr/bin/env node
// Writes `<file>.br` and `<file>.gz` beside each compressible file of the built console, at the strongest
// settings: done once per build, so the controller serves them without compressing per request.
// Usage: node tools/scripts/precompress-console.mjs [dist/apps/console/browser]
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const root = process.argv[2] ?? 'dist/apps/console/browser';
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|ico|map)$/;
/** Below this a compressed answer saves less than its headers cost. */
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const files = (await readdir(root, { recursive: true })).filter((name) => COMPRESSIBLE.test(name));
let raw = 0;
let compressed = 0;
await Promise.all(
  files.map(async (name) => {
    const path = join(root, name);
    const content = await readFile(path);
    if (content.length < MIN_BYTES) return;
    const [br, gz] = await Promise.all([
      brotli(content, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
      }),
      gzipAsync(content, { level: 9 }),
    ]);
    await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gz)]);
    raw += content.length;
    compressed += br.length;
  }),
);
console.log(`Precompressed ${root}: ${Math.round(raw / 1024)} KB → ${Math.round(compressed / 1024)} KB brotli`);
