import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const PROJECT_ROOT = join(__dirname, '..', '..');
const MAIN = join(PROJECT_ROOT, 'src', 'main.ts');

/** Runs the CLI from source (ts-node, transpile only), the way the built main.js runs. */
function runCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-r', 'ts-node/register', MAIN, ...args], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      PORT: '',
      WEBSOCKET_PORT: '',
      STATIC_API_KEY: '',
      TS_NODE_PROJECT: join(PROJECT_ROOT, 'tsconfig.app.json'),
      TS_NODE_TRANSPILE_ONLY: 'true',
    },
  });
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
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

  it('prints one JSON line when listening, serves the API and exits 0 on SIGTERM', async () => {
    const child = runCli(['--port', '0', '--ws-port', '0', '--api-key', 'k', '--control-token', 'c']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const event = JSON.parse(await firstLine(child)) as Record<string, unknown>;
      expect(event).toMatchObject({ event: 'listening', apiKey: 'k', controlToken: 'c', pid: child.pid });
      expect(event['url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(event['apiUrl']).toBe(`${String(event['url'])}/api`);
      expect(event['wsUrl']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/agents$/);
      const health = await fetch(`${String(event['url'])}/api/health`);
      expect(health.status).toBe(200);
      const config = await fetch(`${String(event['url'])}/api/config`, { headers: { Authorization: 'Bearer k' } });
      expect(config.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exitCode(child)).toBe(0);
      expect(stderr).toContain('listening on');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with the usage on a bad flag', async () => {
    const child = runCli(['--fail-status', '404']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitCode(child)).toBe(2);
    expect(stderr).toContain('--fail-status must be an integer between 500 and 599');
    expect(stderr).toContain('Usage:');
  });
});
