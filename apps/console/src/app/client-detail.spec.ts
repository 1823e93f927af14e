import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { SessionStore } from '@agent-controller/console-core';
import type { ClientUsageHour, ClientUser, Principal } from '@agent-controller/shared-contracts';
import {
  assignableRoles,
  canChangeRole,
  canManageClient,
  canRemoveMember,
  ClientDetailStore,
  clientRelation,
  usageBars,
  usageSummary,
} from '@agent-controller/console-clients-data-access';

const ID = '11111111-1111-4111-8111-111111111111';

function member(userId: string, role: ClientUser['role'], id: string | null = `rel-${userId}`): ClientUser {
  const email = `${userId}@example.com`;
  return { id, userId, email, userEmail: email, role, createdAt: '2026-11-01T00:00:00.000Z' };
}

function principal(overrides: Partial<Principal> & { userId?: string } = {}): Principal {
  const { userId = 'me', ...rest } = overrides;
  return {
    kind: 'user',
    isGlobalAdmin: false,
    authenticationMethod: 'password',
    user: {
      id: userId,
      email: 'me@example.com',
      role: 'user',
      locked: false,
      lastSignInAt: null,
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
    },
    ...rest,
  } as Principal;
}

describe('ClientDetailStore', () => {
  function setUp() {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), ClientDetailStore],
    });
    return {
      store: TestBed.inject(ClientDetailStore),
      http: TestBed.inject(HttpTestingController),
      session: TestBed.inject(SessionStore),
    };
  }

  it('loads the client and reports the API message on failure', async () => {
    const { store, http } = setUp();
    const loading = store.load(ID);
    expect(store.client.loading()).toBe(true);
    http.expectOne(`/api/clients/${ID}`).flush({ id: ID, name: 'prod' });
    await loading;
    expect(store.client.value()?.name).toBe('prod');
    expect(store.client.loading()).toBe(false);

    const failing = store.load(ID);
    http.expectOne(`/api/clients/${ID}`).flush(
      { statusCode: 404, code: 'CLIENT_NOT_FOUND', message: 'Client not found' },
      {
        status: 404,
        statusText: 'Not Found',
      },
    );
    await failing;
    expect(store.client.error()).toBe('Client not found');
    expect(store.client.errorCode()).toBe('CLIENT_NOT_FOUND');
  });

  it('names the client’s team once loaded, and another team for one the user cannot see', async () => {
    const { store, http } = setUp();
    const loading = store.load(ID);
    http.expectOne(`/api/clients/${ID}`).flush({ id: ID, name: 'prod', teamId: 'team-1' });
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve));
    http.expectOne('/api/teams/team-1').flush({ id: 'team-1', name: 'Build' });
    await loading;
    expect(store.teamName()).toBe('Build');

    const hidden = store.load(ID);
    http.expectOne(`/api/clients/${ID}`).flush({ id: ID, name: 'prod', teamId: 'team-2' });
    await new Promise((resolve) => setTimeout(resolve));
    http
      .expectOne('/api/teams/team-2')
      .flush(
        { statusCode: 404, code: 'NOT_FOUND', message: 'Team not found' },
        { status: 404, statusText: 'Not Found' },
      );
    await hidden;
    expect(store.teamName()).toBe('another team');

    const none = store.load(ID);
    http.expectOne(`/api/clients/${ID}`).flush({ id: ID, name: 'prod', teamId: null });
    await none;
    expect(store.teamName()).toBeNull();
    http.verify();
  });

  it('reports an empty health history, and filters the audit trail by the client', async () => {
    const { store, http } = setUp();
    store.id.set(ID);
    const history = store.loadHistory();
    http.expectOne(`/api/clients/${ID}/health/history`).flush([]);
    await history;
    expect(store.history.empty()).toBe(true);

    const audit = store.loadAudit();
    const request = http.expectOne((candidate) => candidate.url === '/api/audit');
    expect(request.request.params.get('targetId')).toBe(ID);
    request.flush([]);
    await audit;
    expect(store.audit.empty()).toBe(true);
  });

  it('knows members do not apply in api-key mode', async () => {
    const { store, http } = setUp();
    store.id.set(ID);
    const members = store.loadMembers();
    http
      .expectOne(`/api/clients/${ID}/users?include=creator`)
      .flush(
        { statusCode: 400, code: 'NOT_APPLICABLE_IN_API_KEY_MODE', message: 'Not applicable' },
        { status: 400, statusText: 'Bad Request' },
      );
    await members;
    expect(store.membersNotApplicable()).toBe(true);
  });

  it('derives the relation from the signed-in user and the members', async () => {
    const { store, http, session } = setUp();
    session.principal.set(principal({ userId: 'me' }));
    store.id.set(ID);
    const members = store.loadMembers();
    http
      .expectOne(`/api/clients/${ID}/users?include=creator`)
      .flush([member('owner', 'creator', null), member('me', 'admin')]);
    await members;
    expect(store.relation()).toBe('admin');
  });
});

describe('member permissions', () => {
  const members = [member('owner', 'creator', null), member('a', 'admin'), member('u', 'user')];

  it('finds the relation: global admin, creator, member role or none', () => {
    expect(clientRelation(principal({ isGlobalAdmin: true }), members)).toBe('global-admin');
    expect(clientRelation(principal({ userId: 'owner' }), members)).toBe('creator');
    expect(clientRelation(principal({ userId: 'u' }), members)).toBe('user');
    expect(clientRelation(principal({ userId: 'stranger' }), members)).toBe('none');
    expect(clientRelation(null, members)).toBe('none');
  });

  it('offers only the member actions DESIGN §4 allows', () => {
    const [creator, admin, user] = members;
    expect(assignableRoles('global-admin')).toEqual(['admin', 'user']);
    expect(assignableRoles('creator')).toEqual(['admin', 'user']);
    expect(assignableRoles('admin')).toEqual(['user']);
    expect(assignableRoles('user')).toEqual([]);

    expect(canRemoveMember('admin', user)).toBe(true);
    expect(canRemoveMember('admin', admin)).toBe(false);
    expect(canRemoveMember('creator', admin)).toBe(true);
    expect(canRemoveMember('global-admin', creator)).toBe(false);
    expect(canRemoveMember('user', user)).toBe(false);

    expect(canChangeRole('creator', user)).toBe(true);
    expect(canChangeRole('admin', user)).toBe(false);
    expect(canChangeRole('global-admin', creator)).toBe(false);

    expect(canManageClient('admin')).toBe(true);
    expect(canManageClient('user')).toBe(false);
  });
});

describe('usage chart', () => {
  const hour = (index: number, requests: number, errors = 0): ClientUsageHour => ({
    hour: `2026-11-22T${String(index).padStart(2, '0')}:00:00.000Z`,
    requests,
    errors,
    p50Ms: null,
    p95Ms: null,
  });

  it('scales bars to the busiest hour and fits them in the width', () => {
    const bars = usageBars([hour(0, 0), hour(1, 50, 10), hour(2, 100)], 300, 100, 2);
    expect(bars.map((bar) => bar.height)).toEqual([0, 50, 100]);
    expect(bars[1].errorHeight).toBe(10);
    expect(bars[2].x).toBe(201);
    expect(bars[2].width).toBe(98);
  });

  it('does not divide by zero without requests, and summarises for screen readers', () => {
    const hours = [hour(0, 0), hour(1, 0)];
    expect(usageBars(hours, 100, 100).every((bar) => bar.height === 0)).toBe(true);
    expect(usageBars([], 100, 100)).toEqual([]);
    expect(usageSummary(hours)).toBe('No requests in the last 2 hours.');
    expect(usageSummary([hour(0, 3, 1), hour(5, 7)])).toBe(
      '10 requests and 1 errors in the last 2 hours; busiest hour 05:00 UTC with 7 requests.',
    );
  });
});
