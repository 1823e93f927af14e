import { RunningCloudSimulator, startCloudSimulator } from '../support/cloud-simulator-process';
import { RunningController, startController } from '../support/controller-process';
import { describeFailure, FixtureClient, Fixtures, FuzzReport, runFuzz } from '../support/fuzz/fuzz-runner';
import { loadOperations } from '../support/fuzz/openapi-operations';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

/**
 * Schema-driven fuzzing of every operation in the committed OpenAPI document (a route added later is
 * fuzzed too), as a global admin, against real clients on agent-manager simulators and with the cloud
 * simulators configured. Seeded and repeatable: `FUZZ_SEED` and `FUZZ_RUNS` (default 5,000 requests)
 * replay a run; a failure prints the seed and the exact request.
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261206);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 5000);
/** Requests in flight at once; 1 replays a run exactly (answers included, not only requests). */
const CONCURRENCY = Number(process.env['FUZZ_CONCURRENCY'] ?? 4);
const PASSWORD = 'correct horse battery';
const REMOTE_KEYS = ['fuzz-remote-key-0001', 'fuzz-remote-key-0002'];

describe('API fuzzing from the OpenAPI document', () => {
  const operations = loadOperations();
  let remotes: RunningSimulator[] = [];
  let clouds: RunningCloudSimulator[] = [];
  let controller: RunningController;
  let api: Api;
  let fixtures: Fixtures;
  let report: FuzzReport;
  let serial = 0;

  async function must<T = Record<string, unknown>>(
    method: string,
    path: string,
    body: unknown,
    expected: number,
  ): Promise<T> {
    const response = await api.request(method, path, { token: fixtures.token, body });
    if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
    return response.body as T;
  }

  async function makeUser(): Promise<string> {
    const user = await must(
      'POST',
      '/api/users',
      { email: `fuzz.member.${++serial}@example.com`, password: PASSWORD },
      201,
    );
    return String(user['id']);
  }

  async function makeClient(index: number): Promise<FixtureClient> {
    const remote = remotes[index % remotes.length];
    const name = `fuzz-client-${index}-${++serial}`;
    const client = await must(
      'POST',
      '/api/clients',
      { name, endpoint: remote.url, authenticationType: 'api_key', apiKey: remote.apiKey },
      201,
    );
    const id = String(client['id']);
    const agent = await must('POST', `/api/clients/${id}/agents`, { name: `fuzz-agent-${serial}` }, 201);
    const agentId = String(agent['id']);
    const env = await must(
      'POST',
      `/api/clients/${id}/agents/${agentId}/environment`,
      { variable: 'FUZZ', content: 'x' },
      201,
    );
    const user = await must<{ email: string }>('GET', `/api/users/${fixtures.userId}`, undefined, 200);
    const member = await must('POST', `/api/clients/${id}/users`, { email: user.email, role: 'user' }, 201);
    return { id, agentId, envVarId: String(env['id']), relationshipId: String(member['id']) };
  }

  async function repair(which: number | 'user'): Promise<void> {
    if (which === 'user') {
      fixtures.userId = await makeUser();
      for (let index = 0; index < fixtures.clients.length; index++) fixtures.clients[index] = await makeClient(index);
      return;
    }
    fixtures.clients[which] = await makeClient(which);
  }

  beforeAll(async () => {
    [remotes, clouds] = await Promise.all([
      Promise.all(
        REMOTE_KEYS.map((apiKey) =>
          startSimulator({ apiKey, args: ['--git-repository-url', 'https://git.example.com/r.git'] }),
        ),
      ),
      Promise.all([startCloudSimulator('hetzner'), startCloudSimulator('digitalocean')]),
    ]);
    const [hetzner, digitalOcean] = clouds;
    controller = await startController({
      env: {
        HETZNER_API_TOKEN: hetzner.token,
        HETZNER_API_URL: hetzner.url,
        DIGITALOCEAN_API_TOKEN: digitalOcean.token,
        DIGITALOCEAN_API_URL: digitalOcean.url,
        PROVISIONING_ENDPOINT_TEMPLATE: 'http://{ip}:3000',
        PROVISIONING_AGENT_WS_PORT: '8080',
        REMOTE_REQUEST_TIMEOUT: '3000',
      },
    });
    api = new Api(controller.baseUrl);
    fixtures = {
      token: await setUpFirstAdmin(api, controller.setupToken(), 'admin@example.com', PASSWORD),
      userId: '',
      clients: [],
    };
    fixtures.userId = await makeUser();
    for (let index = 0; index < REMOTE_KEYS.length; index++) fixtures.clients.push(await makeClient(index));
  }, 120_000);

  afterAll(async () => {
    await controller?.stop();
    await Promise.all([...remotes, ...clouds].map((tool) => tool.stop()));
  });

  it(
    `answers ${RUNS} malformed requests (seed ${SEED}) with no 5xx, no 2xx to forbidden input, only error-model bodies and no half-written rows`,
    async () => {
      report = await runFuzz({
        baseUrl: controller.baseUrl,
        operations,
        seed: SEED,
        runs: RUNS,
        fixtures,
        repair,
        concurrency: CONCURRENCY,
        isAlive: () => controller.process.exitCode === null && controller.process.signalCode === null,
      });
      const statuses = Object.entries(report.statuses)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ');
      console.log(
        `fuzz: seed ${report.seed}, ${report.runs} requests over ${operations.length} operations in ${(report.durationMs / 1000).toFixed(1)} s; ` +
          `${report.forbiddenRequests} forbidden by the schema; fixtures remade ${report.repairs} times; statuses ${statuses}`,
      );
      if (report.failures.length) {
        const details = report.failures.map((failure) => describeFailure(failure, SEED, RUNS)).join('\n\n');
        console.log(`fuzz failures (replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}):\n${details}`);
      }
      expect(
        report.failures.map((failure) => `#${failure.index} ${failure.plan.operation}: ${failure.problem}`),
      ).toEqual([]);
    },
    Math.max(300_000, RUNS * 100),
  );

  it('exercised every operation of the document', () => {
    expect(report).toBeDefined();
    const missed = operations.map((op) => op.key).filter((key) => !report.perOperation[key]);
    expect(missed).toEqual([]);
  });

  it('logged no error and no crash for any of these requests', () => {
    const lines = controller
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    const errors = lines.filter((line) => {
      try {
        const entry = JSON.parse(line);
        // A remote's failure relayed as 502/504 is logged as an error on purpose (operators must see it).
        const relayed = entry.err?.type === 'RemoteCallError' || /status code 50[24]$/.test(entry.err?.message ?? '');
        return (entry.level ?? 0) >= 50 && !relayed;
      } catch {
        // Not a pino line (an uncaught error's stack, for one): report it.
        return !/one-time setup token|^\s*$/.test(line);
      }
    });
    expect(
      errors.slice(0, 10).map((line) => {
        try {
          // The request and response are long and known from the line's req.id; show the error itself.
          return JSON.stringify({ ...JSON.parse(line), req: undefined, res: undefined }).slice(0, 800);
        } catch {
          return line.slice(0, 800);
        }
      }),
    ).toEqual([]);
  });

  it('kept the controller up and serving', async () => {
    expect(controller.process.exitCode).toBeNull();
    expect((await api.get('/api/health')).status).toBe(200);
    expect((await api.get('/api/auth/me', { token: fixtures.token })).status).toBe(200);
  });
});
