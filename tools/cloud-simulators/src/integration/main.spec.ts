import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import type { Json } from '../testing/helpers';

const PROJECT_ROOT = join(__dirname, '..', '..');
const WORKSPACE_ROOT = join(PROJECT_ROOT, '..', '..');
const MAIN = join(PROJECT_ROOT, 'src', 'main.ts');

/** Runs the CLI from source (ts-node, transpile only, path aliases), the way the built main.js runs. */
function runCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', MAIN, ...args], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      // As tools/scripts/run-ts.sh: the base config carries the path aliases tsconfig-paths resolves.
      TS_NODE_PROJECT: join(WORKSPACE_ROOT, 'tsconfig.base.json'),
      TS_NODE_COMPILER_OPTIONS: '{"module":"commonjs","moduleResolution":"node10"}',
      TS_NODE_TRANSPILE_ONLY: 'true',
    },
  });
}

function lines(child: ChildProcessWithoutNullStreams, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const read: string[] = [];
    const input = createInterface({ input: child.stdout });
    input.on('line', (line) => {
      read.push(line);
      if (read.length === count) {
        input.close();
        resolve(read);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} after ${read.length} lines`)));
  });
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('CLI (src/main.ts)', () => {
  jest.setTimeout(30_000);

  it('prints one JSON line per simulator, serves both APIs and exits 0 on SIGTERM', async () => {
    const child = runCli([
      '--hetzner-port',
      '0',
      '--digitalocean-port',
      '0',
      '--token',
      't',
      '--control-token',
      'c',
      '--no-agent-manager',
    ]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const [hetzner, digitalocean] = (await lines(child, 2)).map((line) => JSON.parse(line) as Json);
      expect(hetzner).toMatchObject({
        event: 'listening',
        provider: 'hetzner',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1$/),
        controlUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/_simulator$/),
        token: 't',
        readOnlyToken: expect.any(String),
        controlToken: 'c',
        pid: child.pid,
      });
      expect(digitalocean).toMatchObject({
        event: 'listening',
        provider: 'digitalocean',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        token: 't',
        controlToken: 'c',
      });
      expect(digitalocean).not.toHaveProperty('readOnlyToken');
      const auth = { headers: { Authorization: 'Bearer t' } };
      expect((await fetch(`${hetzner.url}/locations`, auth)).status).toBe(200);
      expect((await fetch(`${digitalocean.url}/v2/account`, auth)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exitCode(child)).toBe(0);
      expect(stderr).toContain('hetzner API on');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with the usage on a bad flag', async () => {
    const child = runCli(['--providers', 'aws']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitCode(child)).toBe(2);
    expect(stderr).toContain("--providers takes hetzner, digitalocean, got 'aws'");
    expect(stderr).toContain('Usage:');
  });
});
