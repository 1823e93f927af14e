import { AppConfig, EventTransport, FleetEvents, RequestPrincipal } from '@agent-controller/core';
import { ClientRole } from '@agent-controller/shared-contracts';
import { ClientAccess } from './client-access';
import { ClientAccessPolicy } from './client-access.policy';
import type { ClientEntity } from './client.entity';
import type { ClientsRepository, ClientVisibility, ClientWithMembership } from './clients.repository';

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const CLIENT_ID = '0a4f5c7e-2d1b-4c3a-9e8f-7b6a5d4c3b2a';
const OTHER_ID = '3b4f5c7e-2d1b-4c3a-9e8f-7b6a5d4c3b2a';

const user = (userId: string, isGlobalAdmin = false): RequestPrincipal => ({
  kind: 'user',
  isGlobalAdmin,
  userId,
  email: null,
});

/** The clients table and memberships in memory; each read is counted and returns a fresh copy. */
class CountingClients {
  readonly rows = new Map<string, ClientEntity>();
  readonly roles = new Map<string, ClientRole>();
  readonly findWithMembership = jest.fn(
    async (
      visibility: ClientVisibility,
      userId: string | null,
      id: string,
      _options: { withSecrets?: boolean } = {},
    ): Promise<ClientWithMembership | null> => {
      const row = this.rows.get(id);
      const memberRole = (userId && this.roles.get(`${id}|${userId}`)) || null;
      if (!row) return null;
      if (visibility.kind === 'user' && row.userId !== visibility.userId && !memberRole) return null;
      return { client: { ...row }, memberRole };
    },
  );

  add(id: string, values: Partial<ClientEntity> = {}): this {
    this.rows.set(id, { id, name: id, status: 'active', userId: BOB, apiKey: 'key-1', ...values } as ClientEntity);
    return this;
  }
}

/** A transport whose connection the test switches (as a Redis or PostgreSQL outage would). */
class SwitchedTransport implements EventTransport {
  readonly name = 'test';
  private connected: (up: boolean) => void = () => undefined;
  start(_receive: (message: string) => void, connected: (up: boolean) => void): void {
    this.connected = connected;
    connected(true);
  }
  set(up: boolean): void {
    this.connected(up);
  }
  async publish(): Promise<void> {
    // The test publishes on this replica only.
  }
  async stop(): Promise<void> {
    // Nothing open.
  }
}

function setUp() {
  const clients = new CountingClients().add(CLIENT_ID).add(OTHER_ID);
  clients.roles.set(`${CLIENT_ID}|${ALICE}`, 'user');
  clients.roles.set(`${OTHER_ID}|${ALICE}`, 'user');
  const transport = new SwitchedTransport();
  const events = new FleetEvents(transport);
  events.onModuleInit();
  const access = new ClientAccess(clients as unknown as ClientsRepository, new ClientAccessPolicy(), events, {
    accessCache: { ttlMs: 60_000, maxEntries: 100 },
  } as AppConfig);
  const reads = () => clients.findWithMembership.mock.calls.length;
  return { clients, transport, events, access, reads };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'allowed',
    (error: { code: string }) => error.code,
  );
}

describe('ClientAccess.authorize (the cached check)', () => {
  it('reads the client with its credentials and the caller’s role once, then answers from memory', async () => {
    const { access, clients, reads } = setUp();

    const first = await access.authorize(user(ALICE), CLIENT_ID, 'operate');
    const second = await access.authorize(user(ALICE), CLIENT_ID, 'read');

    expect(first).toEqual({
      client: expect.objectContaining({ id: CLIENT_ID, apiKey: 'key-1' }),
      relation: 'client_user',
    });
    expect(second.relation).toBe('client_user');
    expect(reads()).toBe(1);
    expect(clients.findWithMembership).toHaveBeenCalledWith({ kind: 'all' }, ALICE, CLIENT_ID, { withSecrets: true });
  });

  it('applies the same permission table: 403 for a short role, 404 for a stranger, also when warm', async () => {
    const { access } = setUp();
    const stranger = user('55555555-5555-4555-8555-555555555555');

    for (let round = 0; round < 2; round++) {
      expect(await codeOf(access.authorize(user(ALICE), CLIENT_ID, 'configure'))).toBe('FORBIDDEN');
      expect(await codeOf(access.authorize(stranger, CLIENT_ID, 'read'))).toBe('NOT_FOUND');
      expect(await codeOf(access.authorize(user(ALICE), 'no-such-client', 'read'))).toBe('NOT_FOUND');
    }
  });

  it('refuses a removed member at once after accessChanged for them, and keeps others warm', async () => {
    const { access, clients, events, reads } = setUp();
    await access.authorize(user(ALICE), CLIENT_ID, 'read');
    await access.authorize(user(BOB), CLIENT_ID, 'read');

    clients.roles.delete(`${CLIENT_ID}|${ALICE}`);
    events.publish({ type: 'accessChanged', clientId: CLIENT_ID, userId: ALICE });

    expect(await codeOf(access.authorize(user(ALICE), CLIENT_ID, 'read'))).toBe('NOT_FOUND');
    await access.authorize(user(BOB), CLIENT_ID, 'read');
    expect(reads()).toBe(3);
  });

  it('sees a new member once accessChanged for them is told (no role was remembered for long)', async () => {
    const { access, clients, events } = setUp();
    const carol = user('33333333-3333-4333-8333-333333333333');
    expect(await codeOf(access.authorize(carol, CLIENT_ID, 'read'))).toBe('NOT_FOUND');

    clients.roles.set(`${CLIENT_ID}|${carol.userId}`, 'admin');
    events.publish({ type: 'accessChanged', clientId: CLIENT_ID, userId: carol.userId ?? '' });

    expect((await access.authorize(carol, CLIENT_ID, 'manage')).relation).toBe('client_admin');
  });

  it('drops every caller’s copy of a client on clientChanged (new key) and on accessChanged without a user', async () => {
    const { access, clients, events } = setUp();
    await access.authorize(user(ALICE), CLIENT_ID, 'read');
    await access.authorize(user(BOB), CLIENT_ID, 'read');

    clients.add(CLIENT_ID, { apiKey: 'key-2' });
    events.publish({ type: 'clientChanged', clientId: CLIENT_ID });
    expect((await access.authorize(user(ALICE), CLIENT_ID, 'read')).client.apiKey).toBe('key-2');
    expect((await access.authorize(user(BOB), CLIENT_ID, 'read')).client.apiKey).toBe('key-2');

    clients.add(CLIENT_ID, { status: 'inactive' });
    events.publish({ type: 'accessChanged', clientId: CLIENT_ID });
    expect((await access.authorize(user(ALICE), CLIENT_ID, 'read')).client.status).toBe('inactive');
    expect((await access.authorize(user(BOB), CLIENT_ID, 'read')).client.status).toBe('inactive');
  });

  it('drops a user’s entries on userAccessChanged (their memberships may have gone with them)', async () => {
    const { access, events, reads } = setUp();
    await access.authorize(user(ALICE), CLIENT_ID, 'read');
    await access.authorize(user(ALICE), OTHER_ID, 'read');
    await access.authorize(user(BOB), CLIENT_ID, 'read');

    events.publish({ type: 'userAccessChanged', userId: ALICE });
    await access.authorize(user(ALICE), CLIENT_ID, 'read');
    await access.authorize(user(ALICE), OTHER_ID, 'read');
    await access.authorize(user(BOB), CLIENT_ID, 'read');

    expect(reads()).toBe(5);
  });

  it('reads every time while the bus cannot hear other replicas, and only warm again once it can', async () => {
    const { access, transport, reads } = setUp();
    await access.authorize(user(ALICE), CLIENT_ID, 'read');

    transport.set(false);
    await access.authorize(user(ALICE), CLIENT_ID, 'read');
    await access.authorize(user(ALICE), CLIENT_ID, 'read');
    expect(reads()).toBe(3);

    transport.set(true);
    await access.authorize(user(ALICE), CLIENT_ID, 'read');
    await access.authorize(user(ALICE), CLIENT_ID, 'read');
    expect(reads()).toBe(4);
  });

  it('authorizeClientAccess (for writes) always reads, with the caller’s visibility', async () => {
    const { access, clients, reads } = setUp();
    await access.authorize(user(ALICE), CLIENT_ID, 'read');

    await access.authorizeClientAccess(user(ALICE), CLIENT_ID, 'read');

    expect(reads()).toBe(2);
    expect(clients.findWithMembership).toHaveBeenLastCalledWith({ kind: 'user', userId: ALICE }, ALICE, CLIENT_ID, {});
  });
});
