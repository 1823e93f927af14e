import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiResponse } from '../support/http';
import { ReplicaFleet } from '../support/replica-fleet';
import { RunningSimulator, simulatorClient, startSimulator } from '../support/simulator-process';

const PASSWORD = 'correct horse battery';
const describeOnServer = process.env['TEST_DATABASE_URL'] ? describe : describe.skip;

/**
 * Two replicas on one PostgreSQL server and no Redis: the events that drop the access caches travel by
 * LISTEN/NOTIFY. Each replica is asked directly, after it has served (and cached) the caller once.
 */
describeOnServer('replicas without Redis: access changes travel by PostgreSQL NOTIFY', () => {
  let fleet: ReplicaFleet;
  let remote: RunningSimulator;
  let admin: string;

  beforeAll(async () => {
    remote = await startSimulator({ apiKey: 'notify-remote-key-0123456789' });
    fleet = await ReplicaFleet.start({ names: ['a', 'b'], env: { REDIS_URL: undefined } });
    admin = fleet.admin;
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    await remote?.stop();
  }, 60_000);

  async function newClient(): Promise<string> {
    const created = await fleet.api.post(
      '/api/clients',
      simulatorClient(remote, `notify-${randomUUID().slice(0, 8)}`),
      {
        token: admin,
      },
    );
    expect(created.status).toBe(201);
    return created.body.id;
  }

  /** A new user, member of `clientId` with role user: their token and the membership's id. */
  async function member(clientId: string): Promise<{ id: string; token: string; membershipId: string }> {
    const email = `notify-${randomUUID().slice(0, 8)}@example.com`;
    const created = await fleet.api.post('/api/users', { email, password: PASSWORD }, { token: admin });
    expect(created.status).toBe(201);
    const login = await fleet.api.post('/api/auth/login', { email, password: PASSWORD });
    const added = await fleet.api.post(`/api/clients/${clientId}/users`, { email, role: 'user' }, { token: admin });
    expect(added.status).toBe(201);
    return { id: created.body.id, token: login.body.accessToken, membershipId: added.body.id };
  }

  const agentsOn = (name: string, clientId: string, token: string) =>
    fleet.replica(name).direct.get(`/api/clients/${clientId}/agents`, { token });

  /** Both replicas served the caller once (so each holds it in its cache), then `change` through replica b. */
  async function afterChange(
    clientId: string,
    token: string,
    change: () => Promise<ApiResponse>,
    refused: (response: ApiResponse) => boolean,
  ): Promise<Record<string, number>> {
    for (const name of fleet.names) expect((await agentsOn(name, clientId, token)).status).toBe(200);
    const response = await change();
    expect(response.status).toBeLessThan(300);
    const since = Date.now();
    const after: Record<string, number> = {};
    await Promise.all(
      fleet.names.map(async (name) => {
        let last = await agentsOn(name, clientId, token);
        while (!refused(last) && Date.now() - since < 2_000) {
          await sleep(20);
          last = await agentsOn(name, clientId, token);
        }
        expect({ replica: name, status: last.status, code: last.body?.code, refused: refused(last) }).toMatchObject({
          replica: name,
          refused: true,
        });
        after[name] = Date.now() - since;
      }),
    );
    return after;
  }

  const withinOneSecond = (after: Record<string, number>) =>
    fleet.names.map((name) => ({ replica: name, withinOneSecond: after[name] <= 1_000 }));

  it('a removed member, a locked user, a deactivated client and a changed key are seen by the other replica within 1 s', async () => {
    const b = fleet.replica('b').direct;
    const clientId = await newClient();
    const [removed, locked] = [await member(clientId), await member(clientId)];

    const afterRemoval = await afterChange(
      clientId,
      removed.token,
      () => b.delete(`/api/clients/${clientId}/users/${removed.membershipId}`, { token: admin }),
      (response) => response.body?.code === 'NOT_FOUND',
    );
    const afterLock = await afterChange(
      clientId,
      locked.token,
      () => b.post(`/api/users/${locked.id}/lock`, undefined, { token: admin }),
      (response) => response.body?.code === 'ACCOUNT_LOCKED',
    );
    // A key the remote does not know, stored with force: the cached credentials must go with it.
    const rekeyed = await newClient();
    const afterKey = await afterChange(
      rekeyed,
      admin,
      () =>
        b.post(
          `/api/clients/${rekeyed}/rotate-key`,
          { apiKey: `wrong-${randomUUID()}`, force: true },
          { token: admin },
        ),
      (response) => response.body?.code === 'REMOTE_AUTH_FAILED',
    );
    const afterDeactivation = await afterChange(
      clientId,
      admin,
      () => b.post(`/api/clients/${clientId}/status`, { status: 'inactive' }, { token: admin }),
      (response) => response.body?.code === 'CLIENT_INACTIVE',
    );

    process.stdout.write(
      `access over NOTIFY: removed member refused after ${JSON.stringify(afterRemoval)} ms, locked user after ` +
        `${JSON.stringify(afterLock)} ms, new key used after ${JSON.stringify(afterKey)} ms, deactivation seen after ` +
        `${JSON.stringify(afterDeactivation)} ms\n`,
    );
    for (const after of [afterRemoval, afterLock, afterKey, afterDeactivation]) {
      expect(withinOneSecond(after)).toEqual(fleet.names.map((name) => ({ replica: name, withinOneSecond: true })));
    }
  }, 60_000);
});
