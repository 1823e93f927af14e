import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runAgentctl } from './agentctl';
import { writeLogin } from './config-store';
import { EXIT } from './exit-codes';

type Answer = (request: IncomingMessage, response: ServerResponse, body: string) => void;

const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

const CLIENT = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'alpha',
  status: 'active',
  endpoint: 'http://alpha:3000',
  environment: 'staging',
  labels: { tier: 'web' },
  health: { state: 'healthy', latencyMs: 12, reason: null },
};

describe('agentctl (in-process, against a local HTTP server)', () => {
  let server: Server;
  let url: string;
  let answer: Answer;
  let requests: { method?: string; url?: string; authorization?: string; body: string }[];
  let configHome: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        requests.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body });
        answer(request, response, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    requests = [];
    configHome = mkdtempSync(join(tmpdir(), 'agentctl-home-'));
  });
  afterEach(() => rmSync(configHome, { recursive: true, force: true }));

  async function run(argv: string[], env: Record<string, string> = {}, stdinText?: string) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stdin = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    stdin.end(stdinText ?? '');
    const code = await runAgentctl(argv, { stdout, stderr, stdin, env: { XDG_CONFIG_HOME: configHome, ...env } });
    return { code, stdout: out, stderr: err };
  }

  it('prints the exit codes in --help and exits 0', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(EXIT.OK);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('4  not found');
  });

  it.each([
    [['clients', 'ls', '--limit', '0']],
    [['clients', 'ls', '--status', 'sleeping']],
    [['clients', 'nope']],
    [['clients', 'get']],
    [['clients', 'get', 'a', 'b']],
    [['clients', 'bulk', 'explode', '11111111-1111-4111-8111-111111111111']],
    [['clients', 'add', '--name', 'x']],
    [['clients', 'add', '--name', 'x', '--endpoint', 'http://x', '--label', 'no-value-sign']],
    [['jobs', 'watch', 'j', '--interval', 'soon']],
  ])('refuses bad arguments %j with exit 2 before any request', async (argv) => {
    const result = await run([...argv, '--url', url, '--token', 't']);
    expect(result.code).toBe(EXIT.USAGE);
    expect(result.stderr).toMatch(/error/);
    expect(result.stdout).toBe('');
    expect(requests).toEqual([]);
  });

  it('refuses ids that are not UUIDs for bulk (exit 2), from arguments or stdin', async () => {
    const result = await run(['clients', 'bulk', 'verify', '-', '--url', url, '--token', 't'], {}, 'not-an-id\n');
    expect(result).toMatchObject({ code: EXIT.USAGE, stdout: '' });
    expect(result.stderr).toContain('not client ids: not-an-id');
    expect(requests).toEqual([]);
  });

  it('exits 3 without a token, naming how to get one', async () => {
    const result = await run(['clients', 'ls', '--url', url]);
    expect(result.code).toBe(EXIT.NOT_AUTHENTICATED);
    expect(result.stderr).toContain('NOT_LOGGED_IN');
  });

  it('prints exactly the API JSON with --json, and a table without', async () => {
    answer = (_request, response) => sendJson(response, 200, [CLIENT], { 'x-total-count': '3' });
    const json = await run(['clients', 'ls', '--json', '--limit', '1', '--url', url, '--token', 'tok']);
    expect(json.code).toBe(EXIT.OK);
    expect(JSON.parse(json.stdout)).toEqual([CLIENT]);
    expect(json.stderr).toBe('');
    expect(requests[0]).toMatchObject({ url: '/api/clients?limit=1', authorization: 'Bearer tok' });

    const table = await run(['clients', 'ls', '--url', url, '--token', 'tok']);
    expect(table.stdout.split('\n').slice(0, 3)).toEqual([
      'ID                                    NAME   ENV      STATUS  HEALTH   LATENCY  ENDPOINT',
      '11111111-1111-4111-8111-111111111111  alpha  staging  active  healthy  12 ms    http://alpha:3000',
      '1 of 3 clients (--offset, --limit or --all for more)',
    ]);
  });

  it('lists teams as a table with counts and the caller’s role, and as JSON', async () => {
    const team = { id: CLIENT.id, name: 'platform', clientCount: 12, memberCount: 3, myRole: 'admin' };
    answer = (_request, response) => sendJson(response, 200, [team, { ...team, name: 'web', myRole: null }]);
    const table = await run(['teams', 'ls', '--url', url, '--token', 't']);
    expect(table.code).toBe(EXIT.OK);
    expect(table.stdout).toMatch(/NAME +CLIENTS +MEMBERS +MY ROLE/);
    expect(table.stdout).toMatch(/platform +12 +3 +admin/);
    expect(table.stdout).toMatch(/web +12 +3 +-\n2 teams\n$/);
    const json = await run(['teams', 'ls', '--json', '--url', url, '--token', 't']);
    expect(JSON.parse(json.stdout)).toEqual([team, { ...team, name: 'web', myRole: null }]);
    expect(requests.map((request) => request.url)).toEqual(['/api/teams', '/api/teams']);
  });

  it('creates a token with its scope and prints it once; revokes one', async () => {
    answer = (request, response) =>
      request.method === 'POST'
        ? sendJson(response, 201, { id: CLIENT.id, token: 'act_secret', expiresAt: '2027-01-01T00:00:00.000Z' })
        : response.writeHead(204).end();
    const argv = ['--url', url, '--token', 't'];
    const created = await run([
      'tokens',
      'create',
      '--name',
      'ci',
      '--access',
      'read',
      '--expires-in-days',
      '7',
      '--team',
      CLIENT.id,
      '--cidr',
      '10.0.0.0/8',
      ...argv,
    ]);
    expect(created.code).toBe(EXIT.OK);
    expect(created.stdout.split('\n')[0]).toBe('act_secret');
    const body = JSON.parse(requests[0].body);
    expect(body).toMatchObject({ name: 'ci', access: 'read', teamIds: [CLIENT.id], allowedCidrs: ['10.0.0.0/8'] });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
    expect((await run(['tokens', 'create', '--name', 'ci', '--access', 'admin', ...argv])).code).toBe(EXIT.USAGE);
    const revoked = await run(['tokens', 'revoke', CLIENT.id, ...argv]);
    expect(revoked.stdout).toBe(`Revoked token ${CLIENT.id}.\n`);
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /api/tokens',
      `DELETE /api/tokens/${CLIENT.id}`,
    ]);
  });

  it('tests a webhook: the delivery’s outcome printed, exit 0 when accepted and 6 when not', async () => {
    let status = 'succeeded';
    answer = (_request, response) =>
      sendJson(response, 200, {
        id: CLIENT.id,
        status,
        attempts: 1,
        responseCode: status === 'succeeded' ? 204 : 500,
        durationMs: 12,
        error: null,
      });
    const argv = ['webhooks', 'test', CLIENT.id, '--url', url, '--token', 't'];
    const accepted = await run(argv);
    expect(accepted.code).toBe(EXIT.OK);
    expect(accepted.stdout).toMatch(/status: +succeeded/);
    expect(accepted.stdout).toMatch(/response: +204/);
    status = 'pending';
    expect((await run(argv)).code).toBe(EXIT.FAILED);
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `POST /api/webhooks/${CLIENT.id}/test`,
      `POST /api/webhooks/${CLIENT.id}/test`,
    ]);
  });

  it('reads every page with --all', async () => {
    answer = (request, response) => {
      const offset = Number(new URL(request.url ?? '', url).searchParams.get('offset'));
      const rows = offset === 0 ? Array.from({ length: 100 }, () => CLIENT) : [CLIENT, CLIENT];
      sendJson(response, 200, rows, { 'x-total-count': '102' });
    };
    const result = await run(['clients', 'ls', '--all', '--json', '--url', url, '--token', 't']);
    expect(JSON.parse(result.stdout)).toHaveLength(102);
    expect(requests.map((request) => request.url)).toEqual([
      '/api/clients?offset=0&limit=100',
      '/api/clients?offset=100&limit=100',
    ]);
  });

  it.each([
    [401, 'UNAUTHORIZED', EXIT.NOT_AUTHENTICATED],
    [404, 'NOT_FOUND', EXIT.NOT_FOUND],
    [409, 'CLIENT_HAS_SERVER', EXIT.API_ERROR],
    [403, 'FORBIDDEN', EXIT.API_ERROR],
    [502, 'REMOTE_UNREACHABLE', EXIT.UNAVAILABLE],
  ])('maps an API %i %s to exit %i with the code and message on stderr only', async (status, code, exit) => {
    answer = (_request, response) => sendJson(response, status, { statusCode: status, code, message: `said ${code}` });
    const result = await run(['clients', 'rm', CLIENT.id, '--json', '--url', url, '--token', 't']);
    expect(result.code).toBe(exit);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: ${code}: said ${code} (HTTP ${status})\n`);
  });

  it('shows the fields a 400 names, with exit 2', async () => {
    answer = (_request, response) =>
      sendJson(response, 400, {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'Invalid request',
        details: { fields: [{ field: 'endpoint', location: 'body', message: 'must be http(s)' }] },
      });
    const result = await run(['clients', 'add', '--name', 'n', '--endpoint', 'ftp://x', '--url', url, '--token', 't']);
    expect(result.code).toBe(EXIT.USAGE);
    expect(result.stderr).toContain(
      'error: VALIDATION_FAILED: Invalid request (HTTP 400)\n  body endpoint: must be http(s)',
    );
    expect(JSON.parse(requests[0].body)).toEqual({ name: 'n', endpoint: 'ftp://x', authenticationType: 'api_key' });
  });

  it('sends repeated --label flags as one labels object, and the selector as a query', async () => {
    answer = (_request, response) => sendJson(response, 201, { ...CLIENT, apiKey: 'k' });
    const argv = ['--url', url, '--token', 't', '--json'];
    await run([
      'clients',
      'add',
      '--name',
      'n',
      '--endpoint',
      'http://x',
      '--label',
      'tier=web',
      '--label',
      'team=',
      ...argv,
    ]);
    expect(JSON.parse(requests[0].body).labels).toEqual({ tier: 'web', team: '' });
    answer = (_request, response) => sendJson(response, 200, []);
    await run([
      'clients',
      'ls',
      '--selector',
      'tier in (web,api)',
      '--environment',
      'staging',
      '--team',
      'none',
      ...argv,
    ]);
    const query = new URL(requests[1].url ?? '', url).searchParams;
    expect([query.get('environment'), query.get('selector'), query.get('teamId')]).toEqual([
      'staging',
      'tier in (web,api)',
      'none',
    ]);
  });

  it('selects the clients of a bulk action by filters instead of ids, with the action’s own fields', async () => {
    answer = (_request, response) => sendJson(response, 200, { action: 'add_labels', dryRun: true, results: [] });
    const argv = ['--url', url, '--token', 't', '--json'];
    const labelled = await run([
      'clients',
      'bulk',
      'add_labels',
      '--selector',
      'tier=web',
      '--label',
      'x=1',
      '--dry-run',
      ...argv,
    ]);
    expect(labelled.code).toBe(EXIT.OK);
    expect(JSON.parse(requests[0].body)).toEqual({
      action: 'add_labels',
      selector: 'tier=web',
      labels: { x: '1' },
      dryRun: true,
    });

    await run(['clients', 'bulk', 'set_environment', CLIENT.id, '--to-environment', 'staging', ...argv]);
    expect(JSON.parse(requests[1].body)).toEqual({
      action: 'set_environment',
      ids: [CLIENT.id],
      targetEnvironment: 'staging',
    });

    await run(['clients', 'bulk', 'remove_labels', CLIENT.id, '--label-key', 'a', '--label-key', 'b', ...argv]);
    expect(JSON.parse(requests[2].body)).toEqual({ action: 'remove_labels', ids: [CLIENT.id], labelKeys: ['a', 'b'] });
  });

  it.each([
    [['clients', 'bulk', 'delete'], 'no clients: give their ids'],
    [['clients', 'bulk', 'delete', CLIENT.id, '--status', 'inactive'], 'give client ids or filters, not both'],
  ])('refuses a bulk run %j that names no clients, or both ids and filters (exit 2)', async (argv, message) => {
    const result = await run([...argv, '--url', url, '--token', 't']);
    expect(result).toMatchObject({ code: EXIT.USAGE, stdout: '' });
    expect(result.stderr).toContain(message);
    expect(requests).toEqual([]);
  });

  it('exits 6 from bulk when an id did not succeed', async () => {
    answer = (_request, response) =>
      sendJson(response, 200, { action: 'verify', dryRun: false, results: [{ id: CLIENT.id, result: 'not_found' }] });
    const result = await run(['clients', 'bulk', 'verify', CLIENT.id, '--url', url, '--token', 't']);
    expect(result.code).toBe(EXIT.FAILED);
    expect(result.stdout).toContain('not_found');
  });

  it('logs in with the password from stdin and stores URL and token (0600) for the next commands', async () => {
    answer = (request, response) =>
      request.url === '/api/auth/login'
        ? sendJson(response, 200, {
            accessToken: 'fresh',
            expiresIn: 3600,
            user: { email: 'a@example.com', role: 'admin' },
          })
        : sendJson(response, 200, []);
    const login = await run(['login', '--url', `${url}/`, '--email', 'a@example.com', '--password-stdin'], {}, 'pw\n');
    expect(login.code).toBe(EXIT.OK);
    expect(JSON.parse(requests[0].body)).toEqual({ email: 'a@example.com', password: 'pw' });
    expect(statSync(join(configHome, 'agentctl', 'config.json')).mode & 0o777).toBe(0o600);

    await run(['clients', 'ls']);
    expect(requests[1]).toMatchObject({ url: '/api/clients', authorization: 'Bearer fresh' });
  });

  it('login --token checks the token (GET /api/auth/me) before storing it, and whoami shows who it acts as', async () => {
    const me = { kind: 'user', isGlobalAdmin: false, user: { email: 'bot@example.com' } };
    answer = (request, response) =>
      request.headers.authorization === 'Bearer good'
        ? sendJson(response, 200, me)
        : sendJson(response, 401, { statusCode: 401, code: 'UNAUTHORIZED', message: 'no' });
    const refused = await run(['login', '--url', url, '--token', 'bad']);
    expect(refused.code).toBe(EXIT.NOT_AUTHENTICATED);
    expect((await run(['whoami'])).code).toBe(EXIT.NOT_AUTHENTICATED);

    expect((await run(['login', '--url', url, '--token', 'good'])).code).toBe(EXIT.OK);
    const whoami = await run(['whoami']);
    expect(whoami).toMatchObject({ code: EXIT.OK, stdout: `bot@example.com (user) at ${url}\n` });
    expect(requests.map((request) => request.authorization)).toEqual(['Bearer bad', 'Bearer good', 'Bearer good']);
  });

  it('never sends a stored token to another URL, and lets the environment override it', async () => {
    writeLogin(join(configHome, 'agentctl', 'config.json'), {
      url: 'http://elsewhere',
      token: 'stored',
      email: null,
      expiresAt: null,
    });
    const other = await run(['clients', 'ls', '--url', url]);
    expect(other.code).toBe(EXIT.NOT_AUTHENTICATED);
    expect(requests).toEqual([]);

    answer = (_request, response) => sendJson(response, 200, []);
    await run(['clients', 'ls'], { AGENTCTL_URL: url, AGENTCTL_TOKEN: 'from-env' });
    expect(requests[0].authorization).toBe('Bearer from-env');
  });

  it('without a password and no terminal, exits 2 instead of waiting', async () => {
    const result = await run(['login', '--url', url, '--email', 'a@example.com']);
    expect(result.code).toBe(EXIT.USAGE);
    expect(result.stderr).toContain('no password');
  });
});
