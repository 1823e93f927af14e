import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { RunningController, startController } from '../support/controller-process';
import { Api, ApiResponse, setUpFirstAdmin } from '../support/http';
import { PrivatePostgres } from '../support/private-postgres';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

/** How long each outage lasts, and how soon after the server is back every request must succeed again. */
const OUTAGE_MS = 2_500;
const RECOVERY_MS = 5_000;
const WRITERS = 2;

/** One answer of the load, stamped with when it was sent and what it was. */
interface Call {
  kind: 'create' | 'update' | 'list' | 'ready';
  startedAt: number;
  status: number;
  code?: string;
  retryAfter: string | null;
  /** The created client's name, or the description an update set. */
  value?: string;
}

/**
 * The fault suite's database part: the controller against a PostgreSQL cluster of the test's own, stopped
 * (fast, then immediate) and started again while creates, updates, lists and readiness checks run.
 */
describe('database outage under load', () => {
  let cluster: PrivatePostgres;
  let simulator: RunningSimulator;
  let controller: RunningController;
  let api: Api;
  let admin: string;
  let updatedId: string;
  const calls: Call[] = [];
  /** When the server was gone (pg_ctl stop had returned) until it was started again, and when it was back. */
  const outages: { mode: string; downAt: number; startingAt: number; restartedAt: number }[] = [];
  const remoteKey = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    cluster = await PrivatePostgres.create();
    simulator = await startSimulator({ apiKey: remoteKey });
    controller = await startController({
      database: {
        backend: 'server',
        config: {
          kind: 'server',
          url: cluster.url,
          host: '127.0.0.1',
          port: cluster.port,
          username: 'postgres',
          database: 'postgres',
          ssl: false,
          poolSize: 10,
          statementTimeoutMs: 30_000,
        },
        env: { DATABASE_URL: cluster.url },
        // The whole cluster goes in afterAll.
        drop: async () => undefined,
      },
      // The prober keeps writing health rows during the outage: its failures must not matter either.
      env: { CLIENT_HEALTH_INTERVAL: '1' },
    });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    const updated = await api.post('/api/clients', clientBody('outage-updated'), { token: admin });
    expect(updated.status).toBe(201);
    updatedId = updated.body.id;
  }, 90_000);

  afterAll(async () => {
    await controller?.stop().catch(() => undefined);
    await simulator?.stop().catch(() => undefined);
    await cluster?.destroy();
  }, 60_000);

  function clientBody(name: string) {
    return { name, endpoint: simulator.url, authenticationType: 'api_key', apiKey: remoteKey };
  }

  function record(kind: Call['kind'], startedAt: number, response: ApiResponse, value?: string): void {
    const retryAfter = response.headers.get('retry-after');
    calls.push({ kind, startedAt, status: response.status, code: response.body?.code, retryAfter, value });
  }

  /**
   * Runs `step` back to back until `stop` says so; each step records its own answer. A request that got no
   * answer at all (the connection closed) is recorded as status 0, with what the controller printed, so the
   * checks below say what happened instead of the first broken fetch ending the test.
   */
  async function loop(kind: Call['kind'], step: (index: number) => Promise<void>, stop: () => boolean): Promise<void> {
    for (let index = 0; !stop(); index++) {
      const startedAt = Date.now();
      await step(index).catch((error: Error) =>
        calls.push({ kind, startedAt, status: 0, code: `${error.message}: ${error.cause}`, retryAfter: null }),
      );
    }
  }

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After while the database is down, recovers by itself, and loses or duplicates no write', async () => {
    const pid = controller.process.pid;
    let done = false;
    const stop = () => done;
    const run = `${process.pid}-${Date.now()}`;
    const load = Promise.all([
      // Two writers creating clients with unique names: a name tells which request wrote a row.
      ...Array.from({ length: WRITERS }, (_, writer) =>
        loop(
          'create',
          async (index) => {
            const name = `outage-${run}-${writer}-${index}`;
            const startedAt = Date.now();
            record('create', startedAt, await api.post('/api/clients', clientBody(name), { token: admin }), name);
          },
          stop,
        ),
      ),
      loop(
        'update',
        async (index) => {
          const description = `version ${index}`;
          const startedAt = Date.now();
          const response = await api.patch(`/api/clients/${updatedId}`, { description }, { token: admin });
          record('update', startedAt, response, description);
        },
        stop,
      ),
      loop(
        'list',
        async () => {
          const startedAt = Date.now();
          record('list', startedAt, await api.get('/api/clients?limit=20', { token: admin }));
        },
        stop,
      ),
      loop(
        'ready',
        async () => {
          const startedAt = Date.now();
          record('ready', startedAt, await api.get('/api/health/ready'));
          await sleep(100);
        },
        stop,
      ),
    ]);

    try {
      await sleep(1_500);
      for (const mode of ['fast', 'immediate'] as const) {
        await cluster.stop(mode);
        const downAt = Date.now();
        await sleep(OUTAGE_MS);
        const startingAt = Date.now();
        await cluster.start();
        outages.push({ mode, downAt, startingAt, restartedAt: Date.now() });
        // The window checked for full recovery (1 s) ends well before the next outage begins.
        await sleep(RECOVERY_MS + 2_000);
      }
    } finally {
      done = true;
      await load;
    }

    // The same process throughout: nothing crashed and nothing was restarted.
    const unanswered = calls.filter((call) => call.status === 0);
    if (unanswered.length > 0 || controller.process.exitCode !== null) {
      process.stdout.write(
        `${unanswered.length} requests unanswered; controller output:\n${controller.output().slice(-20_000)}\n`,
      );
    }
    expect(controller.process.exitCode).toBeNull();
    expect(controller.process.pid).toBe(pid);

    // Every answer is a success or the outage's 503; readiness reports the outage with its own 503.
    const api503 = calls.filter((call) => call.kind !== 'ready' && call.status === 503);
    const unexpected = calls.filter((call) =>
      call.kind === 'ready' ? ![200, 503].includes(call.status) : ![200, 201, 503].includes(call.status),
    );
    expect(unexpected).toEqual([]);
    expect(api503.filter((call) => call.code !== 'DATABASE_UNAVAILABLE' || !(Number(call.retryAfter) >= 1))).toEqual(
      [],
    );

    for (const outage of outages) {
      const during = (call: Call) => call.startedAt >= outage.downAt && call.startedAt < outage.startingAt;
      const after = (call: Call) => call.startedAt >= outage.restartedAt + RECOVERY_MS;
      // The outage was felt: API calls and readiness failed while the server was down…
      expect(api503.filter(during).length).toBeGreaterThan(0);
      const readyWhileDown = calls.filter((call) => call.kind === 'ready' && during(call));
      expect(readyWhileDown.length).toBeGreaterThan(0);
      expect(readyWhileDown.filter((call) => call.status !== 503)).toEqual([]);
      // …and a few seconds after it came back everything succeeds again, readiness included.
      const late = calls.filter(after).filter((call) => call.startedAt < outage.restartedAt + RECOVERY_MS + 1_000);
      expect(late.length).toBeGreaterThan(0);
      expect(late.filter((call) => call.status >= 300)).toEqual([]);
      const firstSuccess = calls.find(
        (call) => call.kind !== 'ready' && call.startedAt >= outage.restartedAt && call.status < 300,
      );
      process.stdout.write(
        `outage (${outage.mode}): ${api503.filter(during).length} × 503 while down; ` +
          `first success ${firstSuccess ? firstSuccess.startedAt - outage.restartedAt : 'never'} ms after the restart\n`,
      );
    }

    // Writes counted against rows, read straight from the database.
    const database = new Client({ connectionString: cluster.url });
    await database.connect();
    try {
      const { rows } = await database.query<{ name: string; count: string; audits: string }>(
        `SELECT c.name, count(*) OVER (PARTITION BY c.name) AS count,
                (SELECT count(*) FROM audit_events a WHERE a.action = 'client.create' AND a.target_id = c.id::text) AS audits
           FROM clients c WHERE c.name LIKE $1`,
        [`outage-${run}-%`],
      );
      const stored = new Map(rows.map((row) => [row.name, row]));
      const creates = calls.filter((call) => call.kind === 'create');
      const acknowledged = creates.filter((call) => call.status === 201);
      const refused = creates.filter((call) => call.status === 503);
      // 201: written exactly once, with its audit row in the same transaction.
      expect(acknowledged.filter((call) => stored.get(call.value ?? '')?.count !== '1')).toEqual([]);
      expect(rows.filter((row) => row.count !== '1' || row.audits !== '1')).toEqual([]);
      // 503: not written. Only a connection lost between COMMIT and its acknowledgement could leave a row behind
      // (the client cannot know); such a row still exists once, never twice — checked above for every row.
      const refusedButStored = refused.filter((call) => stored.has(call.value ?? ''));
      // Nothing stored that no request created.
      const requested = new Set(creates.map((call) => call.value));
      expect(rows.filter((row) => !requested.has(row.name))).toEqual([]);
      process.stdout.write(
        `creates: ${acknowledged.length} × 201 (all stored once), ${refused.length} × 503 ` +
          `(${refusedButStored.length} of them stored: commit acknowledgement lost), ${rows.length} rows\n`,
      );
      // At most one commit per writer can be in flight when the server goes.
      expect(refusedButStored.length).toBeLessThanOrEqual(WRITERS * outages.length);

      // The updated client holds the last acknowledged description, or a later one whose answer was lost.
      const updates = calls.filter((call) => call.kind === 'update');
      const lastAcknowledged = updates.map((call) => call.status).lastIndexOf(200);
      const possible = updates.slice(lastAcknowledged).filter((call, i) => i === 0 || call.status === 503);
      const { rows: updated } = await database.query<{ description: string }>(
        'SELECT description FROM clients WHERE id = $1',
        [updatedId],
      );
      expect(possible.map((call) => call.value)).toContain(updated[0].description);
    } finally {
      await database.end();
    }
  }, 60_000);
});
