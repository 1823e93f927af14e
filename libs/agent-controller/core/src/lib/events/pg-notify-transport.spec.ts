import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { FleetEvents } from './fleet-events';
import { collectAccessEvents, until } from './events.testing';
import { PgNotifyTransport } from './pg-notify-transport';

/** A real PostgreSQL server when TEST_DATABASE_URL is set (CI sets it); each test uses its own channel. */
const DATABASE_URL = process.env['TEST_DATABASE_URL'];
const withPostgres = DATABASE_URL ? it : it.skip;

const buses: FleetEvents[] = [];
let admin: Client | undefined;

/** One replica's bus on `channel`, its connection named `name` so a test can cut it. */
function busOn(channel: string, name: string): FleetEvents {
  const transport = new PgNotifyTransport({ connectionString: DATABASE_URL, application_name: name }, channel, 100);
  const events = new FleetEvents(transport);
  events.onModuleInit();
  buses.push(events);
  return events;
}

async function adminClient(): Promise<Client> {
  if (!admin) {
    admin = new Client({ connectionString: DATABASE_URL });
    await admin.connect();
  }
  return admin;
}

afterEach(async () => {
  await Promise.all(buses.splice(0).map((events) => events.onApplicationShutdown()));
});

afterAll(async () => {
  await admin?.end();
});

describe('PgNotifyTransport (FleetEvents over PostgreSQL LISTEN/NOTIFY)', () => {
  withPostgres('two replicas hear each other once, and each hears its own events once, at once', async () => {
    const channel = `ac_test_${randomUUID().replace(/-/g, '')}`;
    const [a, b] = [busOn(channel, `ac-test-a-${randomUUID()}`), busOn(channel, `ac-test-b-${randomUUID()}`)];
    const [receivedByA, receivedByB] = [collectAccessEvents(a), collectAccessEvents(b)];
    await until(() => a.delivering && b.delivering);

    a.publish({ type: 'accessChanged', clientId: 'c1', userId: 'u1' });
    b.publish({ type: 'userAccessChanged', userId: 'u2' });

    await until(() => receivedByA.length >= 2 && receivedByB.length >= 2);
    await sleep(200);
    const expected = [
      { type: 'accessChanged', clientId: 'c1', userId: 'u1' },
      { type: 'userAccessChanged', userId: 'u2' },
    ];
    expect(receivedByA).toHaveLength(2);
    expect(receivedByB).toHaveLength(2);
    expect(receivedByA).toEqual(expect.arrayContaining(expected));
    expect(receivedByB).toEqual(expect.arrayContaining(expected));
  });

  withPostgres('after pg_terminate_backend: not delivering, then listening again and hearing the others', async () => {
    const channel = `ac_test_${randomUUID().replace(/-/g, '')}`;
    const nameOfA = `ac-test-a-${randomUUID()}`;
    const [a, b] = [busOn(channel, nameOfA), busOn(channel, `ac-test-b-${randomUUID()}`)];
    const receivedByA = collectAccessEvents(a);
    const states: boolean[] = [];
    a.deliveringChanges().subscribe((up) => states.push(up));
    await until(() => a.delivering && b.delivering);

    const db = await adminClient();
    const { rows } = await db.query<{ terminated: boolean }>(
      'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1',
      [nameOfA],
    );
    expect(rows).toEqual([{ terminated: true }]);
    await until(() => !a.delivering);
    await until(() => a.delivering);
    expect(states).toEqual([false, true, false, true]);

    b.publish({ type: 'userAccessChanged', userId: 'after-reconnect' });
    await until(() => receivedByA.length === 1);
    expect(receivedByA).toEqual([{ type: 'userAccessChanged', userId: 'after-reconnect' }]);
  });

  withPostgres('an event published while the connection is down is sent once it is back', async () => {
    const channel = `ac_test_${randomUUID().replace(/-/g, '')}`;
    const nameOfA = `ac-test-a-${randomUUID()}`;
    const [a, b] = [busOn(channel, nameOfA), busOn(channel, `ac-test-b-${randomUUID()}`)];
    const receivedByB = collectAccessEvents(b);
    await until(() => a.delivering && b.delivering);

    const db = await adminClient();
    await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [nameOfA]);
    await until(() => !a.delivering);
    a.publish({ type: 'accessChanged', clientId: 'while-down' });

    await until(() => receivedByB.length === 1);
    expect(receivedByB).toEqual([{ type: 'accessChanged', clientId: 'while-down' }]);
  });

  withPostgres('keeps an event too large for NOTIFY on this replica without failing', async () => {
    const channel = `ac_test_${randomUUID().replace(/-/g, '')}`;
    const [a, b] = [busOn(channel, `ac-test-a-${randomUUID()}`), busOn(channel, `ac-test-b-${randomUUID()}`)];
    const [receivedByA, receivedByB] = [collectAccessEvents(a), collectAccessEvents(b)];
    await until(() => a.delivering && b.delivering);

    a.publish({ type: 'accessChanged', clientId: 'x'.repeat(9_000) });
    a.publish({ type: 'accessChanged', clientId: 'small' });

    await until(() => receivedByB.length === 1);
    expect(receivedByB).toEqual([{ type: 'accessChanged', clientId: 'small' }]);
    expect(receivedByA).toHaveLength(2);
  });
});
