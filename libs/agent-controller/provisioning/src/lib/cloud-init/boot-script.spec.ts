import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SETUP_SCRIPT } from './boot-script';
import { parseComposeEnvFile, TRICKY_VALUES } from './compose-dotenv.testing';
import { encodeEnvFile } from './env-file';

/**
 * Runs the real setup script in a temporary folder with bash, python3, openssl and curl. Only the cloud's metadata
 * service and `hostname -I` are stubbed (nothing is sent to 169.254.169.254); the bootstrap fetch goes to a
 * loopback server with the real curl.
 */
const REAL_CURL = spawnSync('bash', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();

const CURL_STUB = [
  '#!/bin/bash',
  'for arg in "$@"; do',
  '  case $arg in',
  '    http://169.254.169.254/hetzner/*) [ -n "$FAKE_HETZNER_IPV4" ] && printf %s "$FAKE_HETZNER_IPV4" && exit 0; exit 22 ;;',
  '    http://169.254.169.254/*) [ -n "$FAKE_DO_IPV4" ] && printf %s "$FAKE_DO_IPV4" && exit 0; exit 22 ;;',
  '  esac',
  'done',
  `exec '${REAL_CURL}' "$@"`,
  '',
].join('\n');
const HOSTNAME_STUB = '#!/bin/bash\nprintf "%s\\n" "$FAKE_HOSTNAME_I"\n';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('setup.sh', () => {
  let dir: string;
  let server: Server;
  let requests: IncomingHttpHeaders[];
  let answer: { status: number; body: string };
  const token = 'tok_8Jd-Qx2.Zp~';
  const environment = { AUTHENTICATION_METHOD: 'api-key', STATIC_API_KEY: 'sk-1', ...TRICKY_VALUES };

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.headers);
      const ok = req.headers.authorization === `Bearer ${token}` && req.url === '/api/provisioning/bootstrap/job-1';
      res.writeHead(ok ? answer.status : 401, { 'content-type': 'text/plain' });
      res.end(ok ? answer.body : 'Unknown, used or expired bootstrap token');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests = [];
    answer = { status: 200, body: encodeEnvFile(environment) };
    dir = mkdtempSync(join(tmpdir(), 'setup-sh-'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'curl'), CURL_STUB, { mode: 0o755 });
    writeFileSync(join(dir, 'bin', 'hostname'), HOSTNAME_STUB, { mode: 0o755 });
    mkdirSync(join(dir, 'project'));
    writeFileSync(join(dir, 'project', 'setup.sh'), SETUP_SCRIPT);
    chmodSync(join(dir, 'project', 'setup.sh'), 0o700);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const project = (name: string): string => join(dir, 'project', name);
  const read = (name: string): string => readFileSync(project(name), 'utf8');
  const mode = (name: string): number => statSync(project(name)).mode & 0o777;

  function bootstrapUrl(): string {
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/provisioning/bootstrap/job-1`;
  }

  function run(fake: { hetzner?: string; digitalOcean?: string; hostnameI?: string }): Promise<Run> {
    const env = {
      PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: dir,
      FAKE_HETZNER_IPV4: fake.hetzner ?? '',
      FAKE_DO_IPV4: fake.digitalOcean ?? '',
      FAKE_HOSTNAME_I: fake.hostnameI ?? '',
    };
    return new Promise((resolve) => {
      execFile(project('setup.sh'), [], { env, cwd: tmpdir(), timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  it('fetches the env file once with the bootstrap token, generates the DB password, names the Hetzner IPv4', async () => {
    writeFileSync(project('bootstrap.json'), JSON.stringify({ url: bootstrapUrl(), token }));

    const result = await run({ hetzner: '203.0.113.7' });

    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.authorization).toBe(`Bearer ${token}`);
    expect(read('agent-manager.env')).toBe(answer.body);
    expect(parseComposeEnvFile(read('agent-manager.env'), 'state-machine')).toEqual(environment);
    expect(mode('agent-manager.env')).toBe(0o600);
    for (const name of ['bootstrap.json', 'bootstrap.url', 'bootstrap.header', 'agent-manager.env.part']) {
      expect(existsSync(project(name))).toBe(false);
    }
    expect(read('db.env')).toMatch(/^POSTGRES_PASSWORD=([0-9a-f]{64})\nDB_PASSWORD=\1\n$/);
    expect(mode('db.env')).toBe(0o600);
    expect(read('caddy.env')).toBe('SITE_HOST=203-0-113-7.sslip.io\n');
  });

  it('stops without the env file when the controller refuses the token', async () => {
    writeFileSync(project('bootstrap.json'), JSON.stringify({ url: bootstrapUrl(), token: 'wrong' }));

    const result = await run({ hetzner: '203.0.113.7' });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('401');
    expect(result.stderr).not.toContain('wrong');
    expect(requests).toHaveLength(1); // a 4xx is not retried: the token is single-use anyway
    expect(existsSync(project('agent-manager.env'))).toBe(false);
    expect(existsSync(project('db.env'))).toBe(false);
  });

  it('uses an embedded env file as it is, and the DigitalOcean IPv4', async () => {
    writeFileSync(project('agent-manager.env'), "STATIC_API_KEY='sk-1'\n", { mode: 0o600 });

    const result = await run({ digitalOcean: '198.51.100.23' });

    expect(result.code).toBe(0);
    expect(requests).toHaveLength(0);
    expect(read('agent-manager.env')).toBe("STATIC_API_KEY='sk-1'\n");
    expect(read('caddy.env')).toBe('SITE_HOST=198-51-100-23.sslip.io\n');
  });

  it('keeps an existing database password', async () => {
    writeFileSync(project('agent-manager.env'), "A='1'\n");
    writeFileSync(project('db.env'), 'POSTGRES_PASSWORD=abc\nDB_PASSWORD=abc\n');

    expect((await run({ hetzner: '203.0.113.7' })).code).toBe(0);
    expect(read('db.env')).toBe('POSTGRES_PASSWORD=abc\nDB_PASSWORD=abc\n');
  });

  it('falls back to the first public IPv4 of hostname -I, ignoring anything that is not a dotted IPv4', async () => {
    writeFileSync(project('agent-manager.env'), "A='1'\n");

    const result = await run({
      hetzner: '1.2.3.4; touch pwned',
      digitalOcean: '999.1.1.1',
      hostnameI: '10.0.0.2 172.20.1.1 fe80::1 192.0.2.44 2001:db8::1',
    });

    expect(result.code).toBe(0);
    expect(read('caddy.env')).toBe('SITE_HOST=192-0-2-44.sslip.io\n');
    expect(existsSync(join(tmpdir(), 'pwned'))).toBe(false);
  });

  it('refuses to guess when no public IPv4 can be found', async () => {
    writeFileSync(project('agent-manager.env'), "A='1'\n");

    const result = await run({ hetzner: '1.2.3.4\n5.6.7.8', hostnameI: '10.1.2.3 fd00::1' });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('setup: cannot determine the public IPv4 address\n');
    expect(existsSync(project('caddy.env'))).toBe(false);
  });
});
