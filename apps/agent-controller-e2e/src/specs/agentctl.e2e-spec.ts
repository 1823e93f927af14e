import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliRun, runAgentctl } from '../support/cli-process';
import { RunningCloudSimulator, startCloudSimulator } from '../support/cloud-simulator-process';
import { freePort, RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const EMAIL = 'admin@example.com';
const PASSWORD = 'correct horse battery';

/** agentctl's documented exit codes. */
const EXIT = { OK: 0, USAGE: 2, NOT_AUTHENTICATED: 3, NOT_FOUND: 4, FAILED: 6 };
/** Each CLI run starts a Node process (seconds of wall time on a busy two-core machine): tests running several get room. */
const CLI_TEST_TIMEOUT = 180_000;

describe('agentctl (the CLI process) against the built server', () => {
  let controller: RunningController;
  let simulator: RunningSimulator;
  let hetzner: RunningCloudSimulator;
  let api: Api;
  let admin: string;
  let configHome: string;

  beforeAll(async () => {
    [simulator, hetzner] = await Promise.all([
      startSimulator(),
      // Servers boot slowly enough that `jobs watch` (a few seconds to start on a busy machine) sees steps start and end live.
      startCloudSimulator('hetzner', ['--boot-ms', '8000', '--delete-ms', '100']),
    ]);
    const port = await freePort();
    controller = await startController({
      port,
      env: {
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        HETZNER_API_TOKEN: hetzner.token,
        HETZNER_API_URL: hetzner.url,
        PROVISIONING_ENDPOINT_TEMPLATE: 'http://{ip}:3000',
        PROVISIONING_AGENT_WS_PORT: '8080',
        PROVISIONING_POLL_INTERVAL_MS: '150',
        PROVISIONING_SERVER_TIMEOUT: '30',
        PROVISIONING_HEALTH_TIMEOUT: '30',
        CLIENT_HEALTH_INTERVAL: '86400',
      },
    });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken(), EMAIL, PASSWORD);
    configHome = mkdtempSync(join(tmpdir(), 'agentctl-e2e-'));
  }, 90_000);

  afterAll(async () => {
    await controller?.stop();
    await Promise.all([simulator?.stop(), hetzner?.stop()]);
    if (configHome) rmSync(configHome, { recursive: true, force: true });
  });

  /** agentctl with the login stored under `configHome` (no flags for URL or token). */
  const cli = (...args: string[]) => runAgentctl(args, { XDG_CONFIG_HOME: configHome });
  const json = (run: CliRun) => {
    expect(run).toMatchObject({ code: EXIT.OK, stderr: '' });
    return JSON.parse(run.stdout);
  };

  it(
    'logs in with e-mail and password (stdin) and stores URL and token readable by its owner only',
    async () => {
      const login = await runAgentctl(
        ['login', '--url', controller.baseUrl, '--email', EMAIL, '--password-stdin'],
        { XDG_CONFIG_HOME: configHome },
        `${PASSWORD}\n`,
      );
      expect(login.code).toBe(EXIT.OK);
      expect(login.stdout).toContain(`Logged in to ${controller.baseUrl} as ${EMAIL} (admin)`);
      const file = join(configHome, 'agentctl', 'config.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(readFileSync(file, 'utf8'));
      expect(stored).toMatchObject({ url: controller.baseUrl, email: EMAIL });
      expect((await api.get('/api/auth/me', { token: stored.token })).body.user.email).toBe(EMAIL);

      const wrong = await runAgentctl(
        ['login', '--url', controller.baseUrl, '--email', EMAIL, '--password-stdin'],
        { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'agentctl-e2e-')) },
        'not the password\n',
      );
      expect(wrong).toMatchObject({ code: EXIT.NOT_AUTHENTICATED, stdout: '' });
      expect(wrong.stderr).toMatch(/^error: INVALID_CREDENTIALS: /);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'adds, lists, shows, verifies and removes a client: --json is the API JSON, tables for people',
    async () => {
      const name = `cli-${randomUUID().slice(0, 8)}`;
      const added = json(
        await cli(
          'clients',
          'add',
          '--json',
          '--name',
          name,
          '--endpoint',
          simulator.url,
          '--api-key',
          simulator.apiKey,
          '--agent-ws-port',
          String(simulator.wsPort),
          '--environment',
          'staging',
          '--label',
          `cli=${name}`,
        ),
      );
      expect(added).toMatchObject({
        name,
        endpoint: simulator.url,
        apiKey: simulator.apiKey,
        status: 'active',
        environment: 'staging',
        labels: { cli: name },
      });
      expect(json(await cli('clients', 'ls', '--json', '--selector', `cli=${name}`))).toEqual([
        (await api.get(`/api/clients/${added.id}`, { token: admin })).body,
      ]);

      const listed = json(await cli('clients', 'ls', '--json', '--search', name));
      expect(listed).toEqual((await api.get(`/api/clients?search=${name}`, { token: admin })).body);
      expect(listed.map((client: { id: string }) => client.id)).toEqual([added.id]);

      const table = await cli('clients', 'ls', '--search', name);
      expect(table.code).toBe(EXIT.OK);
      const [header, row, count] = table.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^ID\s+NAME\s+ENV\s+STATUS\s+HEALTH\s+LATENCY\s+ENDPOINT$/);
      expect(row).toMatch(
        new RegExp(`^${added.id}\\s+${name}\\s+staging\\s+active\\s+\\w+\\s+.+\\s+${simulator.url}$`),
      );
      expect(count).toBe('1 clients');

      expect(json(await cli('clients', 'get', added.id, '--json'))).toEqual(
        (await api.get(`/api/clients/${added.id}`, { token: admin })).body,
      );
      const shown = await cli('clients', 'get', added.id);
      expect(shown.stdout).toMatch(new RegExp(`^name:\\s+${name}$`, 'm'));

      const verdict = json(await cli('clients', 'verify', added.id, '--json'));
      expect(verdict.health).toMatchObject({ state: 'healthy', reason: null });
      expect((await cli('clients', 'verify', added.id)).stdout).toMatch(/^health:\s+healthy$/m);

      const removed = await cli('clients', 'rm', added.id);
      expect(removed).toMatchObject({ code: EXIT.OK, stdout: `Deleted client ${added.id}.\n` });
      const gone = await cli('clients', 'get', added.id);
      expect(gone).toMatchObject({ code: EXIT.NOT_FOUND, stdout: '' });
      expect(gone.stderr).toMatch(/^error: NOT_FOUND: .+ \(HTTP 404\)$/m);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'runs a bulk action on ids piped in or on the clients filters select, and exits 6 when one did not succeed',
    async () => {
      const tag = randomUUID().slice(0, 6);
      const ids: string[] = [];
      for (const suffix of ['a', 'b']) {
        const created = await api.post(
          '/api/clients',
          {
            name: `bulk-${tag}-${suffix}`,
            endpoint: simulator.url,
            authenticationType: 'api_key',
            apiKey: simulator.apiKey,
          },
          { token: admin },
        );
        ids.push(created.body.id);
      }
      const verified = json(
        await runAgentctl(
          ['clients', 'bulk', 'verify', '-', '--json'],
          { XDG_CONFIG_HOME: configHome },
          ids.join('\n'),
        ),
      );
      expect(verified).toMatchObject({ action: 'verify', dryRun: false });
      expect(verified.results.map((row: { id: string; result: string }) => [row.id, row.result])).toEqual(
        ids.map((id) => [id, 'ok']),
      );

      const labelled = json(
        await cli('clients', 'bulk', 'add_labels', '--search', `bulk-${tag}`, '--label', `batch=${tag}`, '--json'),
      );
      expect(labelled.results.map((row: { id: string }) => row.id).sort()).toEqual([...ids].sort());
      const selected = json(await cli('clients', 'ls', '--selector', `batch=${tag}`, '--json'));
      expect(selected.map((client: { id: string }) => client.id).sort()).toEqual([...ids].sort());

      const missing = randomUUID();
      const partly = await cli('clients', 'bulk', 'deactivate', ids[0], missing);
      expect(partly.code).toBe(EXIT.FAILED);
      expect(partly.stdout).toMatch(new RegExp(`^${ids[0]}\\s+ok`, 'm'));
      expect(partly.stdout).toMatch(new RegExp(`^${missing}\\s+not_found`, 'm'));
      expect((await api.get(`/api/clients/${ids[0]}`, { token: admin })).body.status).toBe('inactive');
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'lists the fleet agents as the API does',
    async () => {
      const agents = json(await cli('agents', 'ls', '--json', '--all'));
      const fromApi = (await api.get('/api/agents?limit=100', { token: admin })).body;
      expect(agents.map((agent: { id: string }) => agent.id).sort()).toEqual(
        fromApi.map((agent: { id: string }) => agent.id).sort(),
      );
      const table = await cli('agents', 'ls');
      expect(table.code).toBe(EXIT.OK);
      expect(table.stdout).toMatch(/^ID\s+NAME\s+TYPE\s+CLIENT\s+RUNNING$/m);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'refuses a bad token (3), an unknown id (4) and bad input (2) with the error model on stderr',
    async () => {
      const badToken = await runAgentctl(['clients', 'ls', '--json'], {
        AGENTCTL_URL: controller.baseUrl,
        AGENTCTL_TOKEN: 'not-a-token',
      });
      expect(badToken).toMatchObject({ code: EXIT.NOT_AUTHENTICATED, stdout: '' });
      expect(badToken.stderr).toMatch(/^error: UNAUTHORIZED: .+ \(HTTP 401\)$/m);

      const unknown = await cli('jobs', 'watch', randomUUID());
      expect(unknown).toMatchObject({ code: EXIT.NOT_FOUND, stdout: '' });
      expect(unknown.stderr).toContain('error: NOT_FOUND:');

      const badInput = await cli(
        'clients',
        'add',
        '--name',
        'x',
        '--endpoint',
        simulator.url,
        '--api-key',
        'a b',
        '--json',
      );
      expect(badInput).toMatchObject({ code: EXIT.USAGE, stdout: '' });
      expect(badInput.stderr).toMatch(/^error: VALIDATION_FAILED: .+ \(HTTP 400\)\n {2}body apiKey: /);

      const badFlag = await cli('clients', 'ls', '--limit', '500');
      expect(badFlag).toMatchObject({ code: EXIT.USAGE, stdout: '' });
      expect(badFlag.stderr).toContain("option '--limit <n>' argument '500' is invalid");
    },
    CLI_TEST_TIMEOUT,
  );

  const provision = async () => {
    const started = await api.post(
      '/api/clients/provisioning/provision',
      {
        providerType: 'hetzner',
        serverType: 'cx23',
        location: 'fsn1',
        name: `prov-${randomUUID().slice(0, 8)}`,
        authenticationType: 'api_key',
        gitRepositoryUrl: 'https://git.example.com/agents.git',
      },
      { token: admin },
    );
    expect(started.status).toBe(202);
    return started.body.id as string;
  };

  it(
    'watches a provisioning job live over the gateway with a progress bar, then lists it',
    async () => {
      const jobId = await provision();
      const watched = await cli('jobs', 'watch', jobId);
      expect(watched.code).toBe(EXIT.OK);
      expect(watched.stderr).toBe('Following over the gateway.\n');
      const lines = watched.stdout.trimEnd().split('\n');
      const bars = lines.filter((line) => /^\[[#.]{24}\] \d\/4/.test(line));
      // Steps were seen starting and ending, not only the end.
      expect(bars.length).toBeGreaterThanOrEqual(3);
      expect(bars[bars.length - 1]).toBe(`[${'#'.repeat(24)}] 4/4 client_registered (succeeded)`);
      const job = (await api.get(`/api/provisioning/jobs/${jobId}`, { token: admin })).body;
      expect(lines[lines.length - 1]).toBe(`Job ${jobId} succeeded: client ${job.clientId} (${job.clientName}).`);

      const listed = json(await cli('jobs', 'ls', '--json', '--status', 'succeeded'));
      expect(listed.map((row: { id: string }) => row.id)).toContain(jobId);
      expect(listed.find((row: { id: string }) => row.id === jobId)).toEqual(job);
      expect((await cli('jobs', 'ls')).stdout).toMatch(new RegExp(`^${jobId}\\s+succeeded\\s+hetzner\\s+`, 'm'));
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'exits 6 when the watched job fails, printing the job as JSON with --json',
    async () => {
      await hetzner.setFaults({ createFailNext: 1 });
      const jobId = await provision();
      const watched = await cli('jobs', 'watch', jobId, '--json');
      expect(watched.code).toBe(EXIT.FAILED);
      expect(JSON.parse(watched.stdout)).toMatchObject({ id: jobId, status: 'failed' });
      // Progress went to stderr, keeping stdout parseable.
      expect(watched.stderr).toMatch(/\[[#.]{24}\] 0\/4 create_server \(failed\)/);
    },
    CLI_TEST_TIMEOUT,
  );
  it(
    'serves a script with a scoped token: tokens create, then clients, teams and webhooks with the token; webhooks test pings',
    async () => {
      const pings: string[] = [];
      const receiver = createServer((request, response) => {
        pings.push(String(request.headers['x-webhook-event']));
        response.writeHead(204).end();
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
        const hook = await api.post('/api/webhooks', { url, events: ['client.created'] }, { token: admin });
        expect(hook.status).toBe(201);
        const asAdmin = ['--url', controller.baseUrl, '--token', admin];
        const made = json(
          await runAgentctl(['tokens', 'create', '--name', 'script', '--access', 'manage', '--json', ...asAdmin], {}),
        );
        expect(made.token).toMatch(/^act_/);
        const withToken = { AGENTCTL_URL: controller.baseUrl, AGENTCTL_TOKEN: made.token };
        expect(Array.isArray(json(await runAgentctl(['clients', 'ls', '--json'], withToken)))).toBe(true);
        expect(json(await runAgentctl(['teams', 'ls', '--json'], withToken))).toEqual([]);
        const hooks = json(await runAgentctl(['webhooks', 'ls', '--json'], withToken));
        expect(hooks.map((row: { id: string }) => row.id)).toEqual([hook.body.id]);
        const tested = await runAgentctl(['webhooks', 'test', hook.body.id], withToken);
        expect(tested.code).toBe(EXIT.OK);
        expect(tested.stdout).toMatch(/status: +succeeded/);
        expect(pings).toEqual(['ping']);
        // A token never manages tokens: the API's 403 is exit 1, with its code on stderr.
        const refused = await runAgentctl(['tokens', 'ls'], withToken);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/FORBIDDEN/);
      } finally {
        await new Promise((resolve) => receiver.close(resolve));
      }
    },
    CLI_TEST_TIMEOUT,
  );
});
