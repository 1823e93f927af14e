import {
  ClientAccessPolicy,
  ClientAudience,
  ClientEntity,
  ClientsRepository,
  FleetVisibility,
} from '@agent-controller/clients';
import { FleetEvents, NoEventTransport, RequestPrincipal } from '@agent-controller/core';
import { ClientHealth, ClientRole } from '@agent-controller/shared-contracts';
import type { Socket } from 'socket.io';
import { FleetWatchers } from './fleet-watchers';
import { clientRoom } from './gateway-rooms';

const user = (userId: string, isGlobalAdmin = false): RequestPrincipal => ({
  kind: 'user',
  isGlobalAdmin,
  userId,
  email: `${userId}@example.test`,
});
const ADMIN = user('admin', true);
const API_KEY: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: true, userId: null, email: null };
const HEALTH: ClientHealth = {
  state: 'unreachable',
  reason: 'refused',
  checkedAt: null,
  lastSeenAt: null,
  latencyMs: null,
};

/** The database as the fleet events read it: clients with their creator and members. */
class Fleet {
  readonly clients = new Map<string, { creatorId: string | null; members: Record<string, ClientRole> }>();
  audienceReads = 0;

  repository(): ClientsRepository {
    return {
      findAudiences: async (ids: string[]) => {
        this.audienceReads++;
        const found = new Map<string, ClientAudience>();
        for (const id of ids) {
          const client = this.clients.get(id);
          if (client) {
            found.set(id, { creatorId: client.creatorId, memberRoles: new Map(Object.entries(client.members)) });
          }
        }
        return found;
      },
      findManyWithMembership: async (_visibility: unknown, _userId: unknown, ids: string[]) =>
        ids
          .filter((id) => this.clients.has(id))
          .map((id) => ({ client: clientEntity(id, this.clients.get(id)?.creatorId ?? null), memberRole: null })),
    } as unknown as ClientsRepository;
  }
}

function clientEntity(id: string, userId: string | null): ClientEntity {
  return Object.assign(new ClientEntity(), {
    id,
    name: `name-${id}`,
    description: null,
    endpoint: 'https://remote.example',
    authenticationType: 'api_key',
    agentWsPort: 8080,
    userId,
    status: 'active',
    config: null,
    healthState: 'healthy',
    healthReason: null,
    healthCheckedAt: null,
    healthLastSeenAt: null,
    healthLatencyMs: null,
    weakApiKey: false,
    environment: 'production',
    labels: {},
    createdAt: new Date(0),
    updatedAt: new Date(0),
  });
}

/** A socket that records what it was sent. */
function socket(id: string, rooms: string[] = []) {
  const received: { event: string; payload: unknown }[] = [];
  const fake = {
    id,
    rooms: new Set(rooms),
    emit: (event: string, payload: unknown) => received.push({ event, payload }),
  };
  return { socket: fake as unknown as Socket, received };
}

async function setUp() {
  const fleet = new Fleet();
  const events = new FleetEvents(new NoEventTransport());
  events.onModuleInit();
  const watchers = new FleetWatchers(new FleetVisibility(fleet.repository(), new ClientAccessPolicy()), events);
  const watch = (principal: RequestPrincipal, rooms: string[] = []) => {
    const watching = socket(`socket-${principal.userId}-${watchers.size}`, rooms);
    watchers.watch(watching.socket, () => principal);
    return watching.received;
  };
  /** Publishes, then waits until the watchers' queue handled it. */
  const publish = async (event: Parameters<FleetEvents['publish']>[0]) => {
    events.publish(event);
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { fleet, watchers, watch, publish };
}

const names = (received: { event: string }[]) => received.map(({ event }) => event);

describe('FleetWatchers', () => {
  it('tells a health change to global admins, the API-key holder, the creator and members, and nobody else', async () => {
    const { fleet, watch, publish } = await setUp();
    fleet.clients.set('c1', { creatorId: 'creator', members: { member: 'user' } });
    const [admin, apiKey, creator, member, stranger] = [
      ADMIN,
      API_KEY,
      user('creator'),
      user('member'),
      user('stranger'),
    ].map((principal) => watch(principal));

    await publish({ type: 'clientHealthChanged', clientId: 'c1', from: 'healthy', health: HEALTH });

    for (const received of [admin, apiKey, creator, member]) {
      expect(received).toEqual([
        { event: 'clientHealth', payload: { clientId: 'c1', from: 'healthy', health: HEALTH } },
      ]);
    }
    expect(stranger).toEqual([]);
    expect(fleet.audienceReads).toBe(1);
  });

  it('does not tell a socket linked to the client twice (its client room already heard it)', async () => {
    const { fleet, watch, publish } = await setUp();
    fleet.clients.set('c1', { creatorId: null, members: {} });
    const linked = watch(ADMIN, [clientRoom('c1')]);

    await publish({ type: 'clientHealthChanged', clientId: 'c1', from: 'healthy', health: HEALTH });

    expect(linked).toEqual([]);
  });

  it('sends each watcher only the routine checks of clients it may see, in one message', async () => {
    const { fleet, watch, publish } = await setUp();
    fleet.clients.set('mine', { creatorId: 'alice', members: {} });
    fleet.clients.set('theirs', { creatorId: 'bob', members: {} });
    const alice = watch(user('alice'));
    const admin = watch(ADMIN);
    const checks = ['mine', 'theirs'].map((clientId) => ({
      clientId,
      health: { ...HEALTH, state: 'healthy' as const },
    }));

    await publish({ type: 'clientsChecked', checks });

    expect(alice).toEqual([{ event: 'clientsChecked', payload: { checks: [checks[0]] } }]);
    expect(admin).toEqual([{ event: 'clientsChecked', payload: { checks } }]);
  });

  it('sends a created client (as the API shows it) to those who may see it', async () => {
    const { fleet, watch, publish } = await setUp();
    fleet.clients.set('c1', { creatorId: 'alice', members: {} });
    const [alice, bob] = [watch(user('alice')), watch(user('bob'))];

    await publish({ type: 'clientCreated', clientId: 'c1' });

    expect(names(alice)).toEqual(['clientAdded']);
    expect(alice[0].payload).toMatchObject({ client: { id: 'c1', name: 'name-c1', status: 'active' } });
    expect(JSON.stringify(alice[0].payload)).not.toContain('apiKey"');
    expect(bob).toEqual([]);
  });

  it('sends a changed client to those who may see it, each with what they may do to it', async () => {
    const { fleet, watch, publish } = await setUp();
    fleet.clients.set('c1', { creatorId: null, members: { member: 'admin', reader: 'user' } });
    const [member, reader, stranger] = [watch(user('member')), watch(user('reader')), watch(user('stranger'))];

    await publish({ type: 'clientChanged', clientId: 'c1' });

    expect(names(member)).toEqual(['clientUpdated']);
    expect(member[0].payload).toMatchObject({ client: { id: 'c1', canManageWorkspaceConfiguration: true } });
    expect(reader[0].payload).toMatchObject({ client: { id: 'c1', canManageWorkspaceConfiguration: false } });
    expect(stranger).toEqual([]);
  });

  it('tells a removed member the client is gone and stops telling them of it', async () => {
    const { fleet, watch, publish } = await setUp();
    fleet.clients.set('c1', { creatorId: null, members: { member: 'user', other: 'user' } });
    const [member, other] = [watch(user('member')), watch(user('other'))];

    delete fleet.clients.get('c1')?.members['member'];
    await publish({ type: 'accessChanged', clientId: 'c1', userId: 'member' });
    await publish({ type: 'clientHealthChanged', clientId: 'c1', from: 'healthy', health: HEALTH });

    expect(member).toEqual([{ event: 'clientRemoved', payload: { clientId: 'c1' } }]);
    expect(names(other)).toEqual(['clientHealth']);
  });

  it('sends a new member the client as added, and nobody else anything', async () => {
    const { fleet, watch, publish } = await setUp();
    fleet.clients.set('c1', { creatorId: null, members: { old: 'user', added: 'user' } });
    const [added, old] = [watch(user('added')), watch(user('old'))];

    await publish({ type: 'accessChanged', clientId: 'c1', userId: 'added' });

    expect(names(added)).toEqual(['clientAdded']);
    expect(old).toEqual([]);
  });

  it('tells every watcher of a deleted client, and those who still see a deactivated one its new row', async () => {
    const { fleet, watch, publish } = await setUp();
    fleet.clients.set('c1', { creatorId: 'alice', members: {} });
    const [alice, bob] = [watch(user('alice')), watch(user('bob'))];

    await publish({ type: 'accessChanged', clientId: 'c1' });
    expect(names(alice)).toEqual(['clientUpdated']);
    expect(bob).toEqual([]);

    fleet.clients.delete('c1');
    await publish({ type: 'accessChanged', clientId: 'c1' });
    expect(names(alice)).toEqual(['clientUpdated', 'clientRemoved']);
    expect(names(bob)).toEqual(['clientRemoved']);
  });

  it('tells nothing after unwatch, and reads nothing while nobody watches', async () => {
    const { fleet, watchers, watch, publish } = await setUp();
    fleet.clients.set('c1', { creatorId: null, members: {} });
    const received = watch(ADMIN);
    watchers.unwatch(`socket-admin-0`);

    await publish({ type: 'clientHealthChanged', clientId: 'c1', from: 'healthy', health: HEALTH });

    expect(received).toEqual([]);
    expect(fleet.audienceReads).toBe(0);
  });

  it('judges a watcher by its caller as last re-checked (a demoted admin sees only their own)', async () => {
    const { fleet, watchers, publish } = await setUp();
    fleet.clients.set('c1', { creatorId: 'someone', members: {} });
    let principal = ADMIN;
    const watching = socket('s1');
    watchers.watch(watching.socket, () => principal);

    await publish({ type: 'clientChanged', clientId: 'c1' });
    principal = user('admin');
    await publish({ type: 'clientChanged', clientId: 'c1' });

    expect(names(watching.received)).toEqual(['clientUpdated']);
  });
});
