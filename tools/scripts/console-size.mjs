#!/usr/bin/env node
// The JavaScript a browser downloads to show the console's sign-in screen: the initial chunks plus the login
// route's lazy chunk and what it imports statically, gzipped. Fails past the budget (issue: 300 KB).
// Angular's own budgets measure raw bytes only; this one measures what goes over the wire.
// Reads the esbuild metafile of the production build (`statsJson`): node tools/scripts/console-size.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = 'dist/apps/console';
const LOGIN_PAGE = 'libs/console/auth/feature/src/lib/login-page.ts';
const BUDGET_BYTES = 300 * 1024;

const { outputs } = JSON.parse(readFileSync(join(DIST, 'stats.json'), 'utf8'));
const scripts = Object.entries(outputs).filter(([path]) => path.endsWith('.js'));

function outputOf(predicate, what) {
  const found = scripts.find(([, output]) => predicate(output));
  if (!found) throw new Error(`no output chunk holds ${what}`);
  return found[0];
}

/** The chunk and everything it imports statically (what the browser must load before it runs). */
function withStaticImports(start, into = new Set()) {
  if (into.has(start)) return into;
  into.add(start);
  for (const dependency of outputs[start].imports ?? []) {
    if (dependency.kind === 'import-statement' && outputs[dependency.path]) withStaticImports(dependency.path, into);
  }
  return into;
}

const main = outputOf((output) => output.entryPoint?.endsWith('apps/console/src/main.ts'), 'apps/console/src/main.ts');
const login = outputOf((output) => Object.keys(output.inputs ?? {}).includes(LOGIN_PAGE), LOGIN_PAGE);
const initial = withStaticImports(main);
const loginRoute = withStaticImports(login, new Set(initial));

function measure(files) {
  let raw = 0;
  let gzipped = 0;
  for (const file of files) {
    const content = readFileSync(join(DIST, 'browser', file));
    raw += content.length;
    gzipped += gzipSync(content, { level: 9 }).length;
  }
  return { files: files.size, raw, gzipped };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const report = { initial: measure(initial), loginRoute: measure(loginRoute) };
for (const [name, size] of Object.entries(report)) {
  console.log(`${name}: ${size.files} files, ${kb(size.raw)} raw, ${kb(size.gzipped)} gzipped`);
}
if (report.loginRoute.gzipped > BUDGET_BYTES) {
  console.error(
    `The sign-in route needs ${kb(report.loginRoute.gzipped)} gzipped: over the ${kb(BUDGET_BYTES)} budget`,
  );
  process.exit(1);
}
