import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createTestDatabase } from '@agent-controller/database/testing';
import { Api, ApiResponse, setUpFirstAdmin } from '../support/http';
import { freePort, RunningController, startController } from '../support/controller-process';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

/** Two replicas need a shared PostgreSQL server and Redis (CI sets both). */
const REDIS_URL = process.env['TEST_REDIS_URL'];
const describeReplicas = REDIS_URL && process.env['TEST_DATABASE_URL'] ? describe : describe.skip;

const BUDGETS = { RATE_LIMIT_MAX: 10, LOGIN_RATE_LIMIT_MAX: 4, CLIENT_RATE_LIMIT: 5 };

/** `count` requests, alternating between the replicas; returns the answers in order. */
async function alternate(apis: Api[], count: number, send: (api: Api) => Promise<ApiResponse>) {
  const answers: ApiResponse[] = [];
  for (let i = 0; i < count; i++) answers.push(await send(apis[i % apis.length]));
  return answers;
}

function expectRefusal(answer: ApiResponse, code: string): void {
  expect(answer.status).toBe(429);
  expect(answer.body.code).toBe(code);
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describeReplicas('one rate-limit budget across two replicas (shared PostgreSQL and Redis)', () => {
  const prefix = `ac-test-${randomUUID()}:`;
  let remote: RunningSimulator;
  let first: RunningController;
  let second: RunningController;
  let apis: Api[];
  let admin: string;

  beforeAll(async () => {
    const env = {
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      ...Object.fromEntries(Object.entries(BUDGETS).map(([name, value]) => [name, String(value)])),
    };
    remote = await startSimulator({ apiKey: 'replicas-remote-key' });
    const database = await createTestDatabase('server');
    first = await startController({ env, database });
    admin = await setUpFirstAdmin(new Api(first.baseUrl), first.setupToken());
    // The same secrets (DATA_DIR), as replicas share them: a token issued by one is good on the other.
    second = await startController({ env, database, dataDir: first.dataDir });
    apis = [new Api(first.baseUrl), new Api(second.baseUrl)];
  }, 120_000);

  afterAll(async () => {
    await second?.stop({ keepData: true });
    await first?.stop();
    await remote?.stop();
    if (!REDIS_URL) return;
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('refuses the global budget at RATE_LIMIT_MAX requests in all, not per replica', async () => {
    const answers = await alternate(apis, BUDGETS.RATE_LIMIT_MAX + 2, (api) => api.get('/api/auth/setup'));
    expect(answers.map((answer) => answer.status)).toEqual([...Array(BUDGETS.RATE_LIMIT_MAX).fill(200), 429, 429]);
    expectRefusal(answers[BUDGETS.RATE_LIMIT_MAX], 'RATE_LIMITED');
    expectRefusal(answers[BUDGETS.RATE_LIMIT_MAX + 1], 'RATE_LIMITED');
  });

  it('refuses log-ins from one address at LOGIN_RATE_LIMIT_MAX in all', async () => {
    const answers = await alternate(apis, BUDGETS.LOGIN_RATE_LIMIT_MAX + 1, (api) =>
      api.post('/api/auth/login', { email: 'admin@example.com', password: 'wrong password!' }),
    );
    expect(answers.map((answer) => answer.status)).toEqual([...Array(BUDGETS.LOGIN_RATE_LIMIT_MAX).fill(401), 429]);
    expectRefusal(answers[BUDGETS.LOGIN_RATE_LIMIT_MAX], 'RATE_LIMITED');
  });

  it('refuses proxied calls to one client at CLIENT_RATE_LIMIT in all', async () => {
    const created = await apis[1].post(
      '/api/clients',
      { name: 'shared-budget', endpoint: remote.url, authenticationType: 'api_key', apiKey: 'replicas-remote-key' },
      { token: admin },
    );
    expect(created.status).toBe(201);
    const answers = await alternate(apis, BUDGETS.CLIENT_RATE_LIMIT + 1, (api) =>
      api.get(`/api/clients/${created.body.id}/agents`, { token: admin }),
    );
    expect(answers.map((answer) => answer.status)).toEqual([...Array(BUDGETS.CLIENT_RATE_LIMIT).fill(200), 429]);
    expectRefusal(answers[BUDGETS.CLIENT_RATE_LIMIT], 'CLIENT_RATE_LIMITED');
  });

  it('keeps the counters in Redis under the key prefix, each with an expiry', async () => {
    const redis = new Redis(REDIS_URL ?? '');
    try {
      const keys = await redis.keys(`${prefix}rate-limit:*`);
      // global and credentials (per route and address) and the client's budget.
      expect(keys.some((key) => key.startsWith(`${prefix}rate-limit:global:`))).toBe(true);
      expect(keys.some((key) => key.startsWith(`${prefix}rate-limit:credentials:`))).toBe(true);
      expect(keys.some((key) => key.startsWith(`${prefix}rate-limit:client:`))).toBe(true);
      for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
    } finally {
      await redis.quit();
    }
  });
});

describe('rate limits while Redis is unreachable', () => {
  let controller: RunningController;

  beforeAll(async () => {
    const closedPort = await freePort();
    controller = await startController({ env: { REDIS_URL: `redis://127.0.0.1:${closedPort}`, RATE_LIMIT_MAX: '3' } });
  }, 90_000);

  afterAll(() => controller?.stop());

  it('serves requests with the budget counted per replica, says so once, and never answers 500', async () => {
    const api = new Api(controller.baseUrl);
    const startedAt = Date.now();
    const answers = await alternate([api], 5, (each) => each.get('/api/auth/setup'));
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
    expectRefusal(answers[3], 'RATE_LIMITED');
    expect(controller.output().match(/Rate limits per replica while Redis is unreachable/g)).toHaveLength(1);
  });
});
