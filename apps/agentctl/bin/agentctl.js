#!/usr/bin/env node
'use strict';
// Runs agentctl's TypeScript sources directly, so `npx agentctl` works right after `npm ci` (this package is an npm
// workspace: npm links this file into node_modules/.bin) with no build step to forget or to go stale. Each file is
// transpiled alone by TypeScript (no type check here: lint and the unit tests do that) and the output is cached by
// content in node_modules/.cache/agentctl, so runs after the first load no compiler at all (ts-node took seconds
// per run on a busy machine). Workspace path aliases resolve through tsconfig-paths, as in tools/scripts/run-ts.sh.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const baseConfig = require(join(root, 'tsconfig.base.json'));
const cacheDir = join(root, 'node_modules', '.cache', 'agentctl');
const compilerOptions = { module: 'commonjs', target: 'es2022', esModuleInterop: true, importHelpers: false };
// A new compiler or new options give new cache entries.
const cacheSalt = `${require('typescript/package.json').version}:${JSON.stringify(compilerOptions)}`;
let typescript; // loaded on the first cache miss only

function transpile(source, filename) {
  const key = createHash('sha256').update(cacheSalt).update('\0').update(filename).update('\0').update(source);
  const cached = join(cacheDir, `${key.digest('hex')}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not cached yet.
  }
  typescript ??= require('typescript');
  const output = typescript.transpileModule(source, { fileName: filename, compilerOptions }).outputText;
  try {
    // Written aside and renamed, so a run alongside never reads half a file.
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}`;
    fs.writeFileSync(partial, output);
    fs.renameSync(partial, cached);
  } catch {
    // A read-only node_modules only costs speed.
  }
  return output;
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
require('tsconfig-paths').register({ baseUrl: root, paths: baseConfig.compilerOptions.paths });
require('../src/main.ts');
