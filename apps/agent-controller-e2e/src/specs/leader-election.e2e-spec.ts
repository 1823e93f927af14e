import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { testBackend } from '@agent-controller/database/testing';
import { RunningController, startController } from '../support/controller-process';
import { Api } from '../support/http';

const METRICS_TOKEN = randomBytes(24).toString('base64url');
/** CLIENT_HEALTH_INTERVAL in seconds: the prober runs (and non-leaders campaign) every half of it. */
const HEALTH_INTERVAL_S = 2;
const SPLIT_WARNING = /shares this database but REDIS_URL is not set here: Socket\.IO events and rate limits are split/;

/** 1 when the replica leads the task, 0 when another does, undefined while it has not said. */
async function leads(controller: RunningController, task: string): Promise<number | undefined> {
  const scraped = await new Api(controller.baseUrl).get('/metrics', { token: METRICS_TOKEN });
  if (scraped.status !== 200) throw new Error(`GET /metrics answered ${scraped.status}`);
  const match = new RegExp(`^agent_controller_leader\\{task="${task}"\\} (\\d)$`, 'm').exec(scraped.text);
  return match ? Number(match[1]) : undefined;
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Two controller processes on one PostgreSQL server without Redis: exactly one leads the health prober,
 * another takes over within one interval once the leader is killed, and both warn that the fleet is split.
 * (The full fleet with Redis and a load balancer is the multi-replica suite's.)
 */
const onServer = testBackend() === 'server';
(onServer ? describe : describe.skip)('two replicas on one database, without Redis', () => {
  let first: RunningController;
  let second: RunningController;
  let aloneOutput = '';
  const env = { METRICS_TOKEN, CLIENT_HEALTH_INTERVAL: String(HEALTH_INTERVAL_S), REDIS_URL: undefined };

  beforeAll(async () => {
    first = await startController({ env });
    await until(async () => (await leads(first, 'prober')) === 1, 10_000, 'the first replica leading the prober');
    aloneOutput = first.output();
    second = await startController({ env, database: first.database, dataDir: first.dataDir });
  }, 120_000);

  afterAll(async () => {
    await first?.stop({ keepData: true });
    await second?.stop();
  });

  it('warns on both replicas, naming REDIS_URL, that events and rate limits are split; a lone replica did not', async () => {
    expect(aloneOutput).not.toMatch(/REDIS_URL/);
    await until(() => SPLIT_WARNING.test(second.output()), 5_000, 'the new replica warning at start');
    // The first hears of the second on its next heartbeat (every 10 s).
    await until(() => SPLIT_WARNING.test(first.output()), 15_000, 'the first replica warning');
    expect(second.output().match(new RegExp(SPLIT_WARNING, 'g'))).toHaveLength(1);
  }, 30_000);

  it('has exactly one prober leader at any time, and another takes over within one interval when it dies', async () => {
    // Sampled over two intervals: the leader stays, the other never leads too.
    for (let sample = 0; sample < 8; sample++) {
      expect([await leads(first, 'prober'), await leads(second, 'prober')]).toEqual([1, 0]);
      await sleep((HEALTH_INTERVAL_S * 1000) / 4);
    }
    expect(first.output()).toMatch(/This replica now leads prober/);
    expect(second.output()).not.toMatch(/This replica now leads prober/);

    const killedAt = Date.now();
    first.process.kill('SIGKILL');
    await until(async () => (await leads(second, 'prober')) === 1, 3 * HEALTH_INTERVAL_S * 1000, 'the takeover');
    const takeoverMs = Date.now() - killedAt;
    // Non-leaders campaign every half interval, so one interval is ample.
    expect(takeoverMs).toBeLessThanOrEqual(HEALTH_INTERVAL_S * 1000);
    expect(second.output()).toMatch(/This replica now leads prober/);
  }, 60_000);
});
