/**
 * Start-up time and idle memory of the built controller on each database back end.
 * Usage: npm run bench:startup   (needs `nx build agent-controller`; the server case needs TEST_DATABASE_URL)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase } from '@agent-controller/database/testing';
import { freePort, rssMb } from './controller';
import { env } from './settings';

const MAIN = resolve(__dirname, '../../dist/apps/agent-controller/main.js');
const RUNS = env('BENCH_RUNS', 3);
const IDLE_MS = 5000;

/** Spawns the controller, returns ms until /api/health answers and RSS after IDLE_MS of idling. */
async function measure(env: Record<string, string>): Promise<{ readyMs: number; idleRssMb: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`controller exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (performance.now() - started > 60_000) throw new Error('not healthy within 60 s');
      await new Promise((wait) => setTimeout(wait, 25));
    }
    const readyMs = Math.round(performance.now() - started);
    await new Promise((wait) => setTimeout(wait, IDLE_MS));
    return { readyMs, idleRssMb: Math.round(rssMb(child.pid as number)) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function scenario(
  name: string,
  prepare: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>,
  reuse = false,
) {
  const results: { readyMs: number; idleRssMb: number }[] = [];
  let prepared = reuse ? await prepare() : undefined;
  if (prepared) await measure(prepared.env); // the first start initialises; measure re-opens only
  for (let i = 0; i < RUNS; i++) {
    const current = prepared ?? (await prepare());
    results.push(await measure(current.env));
    if (!reuse) await current.cleanup();
  }
  if (prepared) await prepared.cleanup();
  prepared = undefined;
  console.log(
    `${name.padEnd(44)} ready p50 ${String(median(results.map((r) => r.readyMs))).padStart(5)} ms   idle RSS p50 ${median(results.map((r) => r.idleRssMb))} MB   (runs: ${results.map((r) => `${r.readyMs}ms/${r.idleRssMb}MB`).join(', ')})`,
  );
}

async function main(): Promise<void> {
  const embedded = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ac-bench-'));
    return { env: { DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  };
  await scenario('embedded, first start (new data dir)', embedded);
  await scenario('embedded, restart (existing data dir)', embedded, true);
  if (process.env['TEST_DATABASE_URL']) {
    const server = async () => {
      const database = await createTestDatabase('server');
      const dir = mkdtempSync(join(tmpdir(), 'ac-bench-'));
      return {
        env: { ...database.env, DATA_DIR: dir },
        cleanup: async () => {
          await database.drop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    };
    await scenario('PostgreSQL server, first start (empty database)', server);
    await scenario('PostgreSQL server, restart (migrated database)', server, true);
  } else {
    console.log('(set TEST_DATABASE_URL to measure the PostgreSQL server too)');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
