import { HttpRequest, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  FLEET_SOCKET_CONNECT,
  type FleetChange,
  FleetSocket,
  type FleetSocketConnection,
  KEYCLOAK_SESSION,
  SessionStore,
} from '@agent-controller/console-core';
import {
  ClientDetailStore,
  ClientsStore,
  EMPTY_CLIENT_FILTERS,
  LIVE_RELOAD_DELAY_MS,
} from '@agent-controller/console-clients-data-access';
import type { Client, ClientHealth, Principal } from '@agent-controller/shared-contracts';

/** The gateway socket as the console sees it: what it was sent, and a way to play the server's side. */
class FakeSocket {
  readonly sent: string[] = [];
  disconnected = 0;
  private readonly handlers = new Map<string, ((payload: unknown) => void)[]>();

  on(event: string, handler: (payload: unknown) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  emit(event: string): this {
    this.sent.push(event);
    return this;
  }
  connect(): this {
    return this;
  }
  disconnect(): this {
    this.disconnected++;
    return this;
  }
  removeAllListeners(): this {
    this.handlers.clear();
    return this;
  }
  /** The server sends `event`. */
  receive(event: string, payload?: unknown): void {
    for (const handler of this.handlers.get(event) ?? []) handler(payload);
  }
}

const health = (state: ClientHealth['state'], checkedAt: string, latencyMs: number | null = 12): ClientHealth => ({
  state,
  reason: state === 'healthy' ? null : 'refused',
  checkedAt,
  lastSeenAt: checkedAt,
  latencyMs,
});

const client = (id: string, changes: Partial<Client> = {}): Client =>
  ({
    id,
    name: `name-${id}`,
    status: 'active',
    health: health('healthy', '2026-12-07T10:00:00.000Z'),
    ...changes,
  }) as Client;

function setUp(providers: unknown[] = []) {
  const socket = new FakeSocket();
  const connect = vi.fn(async () => socket as unknown as FleetSocketConnection);
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: FLEET_SOCKET_CONNECT, useValue: connect },
      ...(providers as []),
    ],
  });
  return { socket, connect, http: TestBed.inject(HttpTestingController) };
}

/** Lets the socket's opening (a few awaited steps) finish; timers may be faked, so microtasks only. */
async function settle(): Promise<void> {
  for (let step = 0; step < 10; step++) await Promise.resolve();
}

describe('FleetSocket', () => {
  it('watches the fleet on connecting, re-syncs listeners after a reconnect, and closes with the last listener', async () => {
    const { socket, connect } = setUp();
    const fleet = TestBed.inject(FleetSocket);
    const [first, second]: FleetChange[][] = [[], []];
    const stopFirst = fleet.watch((change) => first.push(change));
    const stopSecond = fleet.watch((change) => second.push(change));
    await settle();
    expect(connect).toHaveBeenCalledTimes(1);

    socket.receive('connect');
    socket.receive('watchFleetSuccess', { watching: true });
    expect(socket.sent).toEqual(['watchFleet']);
    expect(fleet.watching()).toBe(true);

    socket.receive('clientsChecked', {
      checks: [
        { clientId: 'c1', health: health('healthy', 't1') },
        { clientId: 'c2', health: health('degraded', 't1') },
      ],
    });
    socket.receive('clientRemoved', { clientId: 'c3' });
    socket.receive('disconnect', 'transport close');
    expect(fleet.watching()).toBe(false);
    socket.receive('connect');
    expect(first.map((change) => change.kind)).toEqual(['health', 'health', 'removed', 'resync']);
    expect(second).toEqual(first);
    expect(socket.sent).toEqual(['watchFleet', 'watchFleet']);

    stopFirst();
    expect(socket.disconnected).toBe(0);
    stopSecond();
    expect(socket.disconnected).toBe(1);
  });
});

describe("FleetSocket: the user's own access changed", () => {
  it('reads who is signed in again, then tells listeners to read what they show again', async () => {
    const { socket, http } = setUp([{ provide: KEYCLOAK_SESSION, useValue: () => Promise.reject(new Error('no')) }]);
    const session = TestBed.inject(SessionStore);
    session.principal.set({ kind: 'user', isGlobalAdmin: true } as Principal);
    const fleet = TestBed.inject(FleetSocket);
    const changes: FleetChange[] = [];
    fleet.watch((change) => changes.push(change));
    await settle();
    socket.receive('connect');

    socket.receive('fleetResync', { reason: 'access_changed' });
    await settle();
    expect(changes).toEqual([]);
    http.expectOne('/api/auth/me').flush({ kind: 'user', isGlobalAdmin: false });
    await settle();
    expect(session.isGlobalAdmin()).toBe(false);
    expect(changes).toEqual([{ kind: 'resync' }]);
    // A user who is not a global admin: whether they administer a team is read again too.
    http.expectOne('/api/teams').flush([]);
  });
});

describe('ClientsStore live rows', () => {
  // The list's page; the health strips are read beside it and play no part here.
  const isPage = (request: HttpRequest<unknown>) => request.url === '/api/clients';
  const flushPage = (http: HttpTestingController, rows: Client[], isThePage = isPage) =>
    http.expectOne(isThePage).flush(rows, { headers: { 'X-Total-Count': String(rows.length) } });

  async function loaded(rows: Client[]) {
    const { socket, http } = setUp([ClientsStore]);
    const store = TestBed.inject(ClientsStore);
    const loading = store.load();
    flushPage(http, rows);
    await loading;
    await settle();
    socket.receive('connect');
    return { store, socket, http };
  }

  it('changes health, latency and last seen of a row in place, without reading the page again', async () => {
    const { store, socket, http } = await loaded([client('c1'), client('c2')]);

    socket.receive('clientHealth', {
      clientId: 'c2',
      from: 'healthy',
      health: health('unreachable', '2026-12-07T10:01:00.000Z', null),
    });
    socket.receive('clientsChecked', {
      checks: [{ clientId: 'c1', health: health('healthy', '2026-12-07T10:01:00.000Z', 40) }],
    });

    expect(store.clients().map((row) => [row.id, row.health.state, row.health.latencyMs])).toEqual([
      ['c1', 'healthy', 40],
      ['c2', 'unreachable', null],
    ]);
    http.expectNone(isPage);
  });

  it('keeps a newer health when an older check arrives late', async () => {
    const { store, socket } = await loaded([client('c1', { health: health('degraded', '2026-12-07T10:05:00.000Z') })]);

    socket.receive('clientsChecked', {
      checks: [{ clientId: 'c1', health: health('healthy', '2026-12-07T10:04:00.000Z') }],
    });

    expect(store.clients()[0].health.state).toBe('degraded');
  });

  it('replaces a renamed or deactivated row with the one the controller sent', async () => {
    const { store, socket, http } = await loaded([client('c1')]);

    socket.receive('clientUpdated', { client: client('c1', { name: 'renamed', status: 'inactive' }) });

    expect(store.clients()[0]).toMatchObject({ name: 'renamed', status: 'inactive' });
    http.expectNone(isPage);
  });

  it('takes a removed client off at once and reads the page again once the removals stop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { store, socket, http } = await loaded([client('c1'), client('c2'), client('c3')]);

      socket.receive('clientRemoved', { clientId: 'c1' });
      socket.receive('clientRemoved', { clientId: 'c2' });
      socket.receive('clientRemoved', { clientId: 'not-on-this-page' });
      expect(store.clients().map((row) => row.id)).toEqual(['c3']);
      expect(store.total()).toBe(1);

      vi.advanceTimersByTime(LIVE_RELOAD_DELAY_MS);
      flushPage(http, [client('c3'), client('c4')]);
      http.expectNone(isPage);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads the page again for an added client, for a row that left the filter, and after a reconnect', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { store, socket, http } = await loaded([client('c1')]);

      socket.receive('clientAdded', { client: client('new') });
      vi.advanceTimersByTime(LIVE_RELOAD_DELAY_MS);
      flushPage(http, [client('new'), client('c1')]);
      await settle();
      expect(store.clients()).toHaveLength(2);

      store.filters.set({ ...EMPTY_CLIENT_FILTERS, status: 'active' });
      socket.receive('clientUpdated', { client: client('c1', { status: 'inactive' }) });
      vi.advanceTimersByTime(LIVE_RELOAD_DELAY_MS);
      flushPage(http, [], (request) => isPage(request) && request.params.get('status') === 'active');

      socket.receive('disconnect', 'transport close');
      socket.receive('connect');
      flushPage(http, []);
      http.expectNone(isPage);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ClientDetailStore live client', () => {
  it('follows the shown client and says when it was removed, ignoring other clients', async () => {
    const { socket, http } = setUp([ClientDetailStore]);
    const store = TestBed.inject(ClientDetailStore);
    const loading = store.load('c1');
    http.expectOne('/api/clients/c1').flush(client('c1'));
    await loading;
    await settle();
    socket.receive('connect');

    socket.receive('clientHealth', {
      clientId: 'c1',
      from: 'healthy',
      health: health('auth_failed', '2026-12-07T10:02:00.000Z'),
    });
    socket.receive('clientUpdated', { client: client('other', { name: 'other' }) });
    expect(store.client.value()?.health.state).toBe('auth_failed');
    expect(store.client.value()?.name).toBe('name-c1');

    socket.receive('clientUpdated', {
      client: client('c1', { name: 'renamed', health: health('auth_failed', '2026-12-07T10:02:00.000Z') }),
    });
    expect(store.client.value()?.name).toBe('renamed');

    socket.receive('clientRemoved', { clientId: 'other' });
    expect(store.removed()).toBe(false);
    socket.receive('clientRemoved', { clientId: 'c1' });
    expect(store.removed()).toBe(true);
    http.verify();
  });
});
