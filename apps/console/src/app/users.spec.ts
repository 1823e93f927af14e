import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { fieldErrors, KEYCLOAK_SESSION, SessionStore } from '@agent-controller/console-core';
import { UsersStore } from '@agent-controller/console-users-data-access';
import type { User } from '@agent-controller/shared-contracts';

function user(id: string, email: string, overrides: Partial<User> = {}): User {
  return {
    id,
    email,
    role: 'user',
    locked: false,
    lastSignInAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const ADMIN = user('u1', 'admin@example.com', { role: 'admin' });
const ALICE = user('u2', 'alice@example.com');
const LAST_ADMIN = {
  statusCode: 409,
  code: 'LAST_ADMIN',
  message: 'This is the last active admin; promote another user first',
  requestId: 'r1',
};

describe('UsersStore', () => {
  function setUp() {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), UsersStore],
    });
    return { store: TestBed.inject(UsersStore), http: TestBed.inject(HttpTestingController) };
  }

  function answerList(http: HttpTestingController, users: User[], total = users.length) {
    const request = http.expectOne((candidate) => candidate.url === '/api/users' && candidate.method === 'GET');
    request.flush(users, { headers: { 'X-Total-Count': String(total) } });
    return request;
  }

  it('asks for the page it shows and reads X-Total-Count', async () => {
    const { store, http } = setUp();
    const loading = store.setPage(2, 10);
    expect(store.loading()).toBe(true);
    const request = answerList(http, [ADMIN, ALICE], 22);
    await loading;
    expect(request.request.params.toString()).toBe('limit=10&offset=20');
    expect(store.users().map((entry) => entry.email)).toEqual(['admin@example.com', 'alice@example.com']);
    expect(store.total()).toBe(22);
    expect(store.loading()).toBe(false);
    expect(store.empty()).toBe(false);
  });

  it('reports a failed load and an empty page', async () => {
    const { store, http } = setUp();
    const failing = store.load();
    http
      .expectOne('/api/users?limit=25&offset=0')
      .flush({ message: 'Only global admins manage users' }, { status: 403, statusText: 'Forbidden' });
    await failing;
    expect(store.error()).toBe('Only global admins manage users');
    expect(store.empty()).toBe(false);

    const empty = store.load();
    answerList(http, []);
    await empty;
    expect(store.error()).toBeNull();
    expect(store.empty()).toBe(true);
  });

  it('creates a user and reads the page again', async () => {
    const { store, http } = setUp();
    const creating = store.createUser({ email: 'bob@example.com', password: 'correct horse battery', role: 'user' });
    const request = http.expectOne({ url: '/api/users', method: 'POST' });
    expect(request.request.body).toEqual({ email: 'bob@example.com', password: 'correct horse battery', role: 'user' });
    request.flush(user('u3', 'bob@example.com'), { status: 201, statusText: 'Created' });
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve));
    answerList(http, [ADMIN, user('u3', 'bob@example.com')]);
    expect((await creating).id).toBe('u3');
    expect(store.total()).toBe(2);
  });

  it('throws a refused creation to the dialog, with the refused fields readable per field', async () => {
    const { store, http } = setUp();
    const creating = store.createUser({ email: 'admin@example.com', password: 'correct horse battery', role: 'user' });
    http.expectOne({ url: '/api/users', method: 'POST' }).flush(
      {
        statusCode: 409,
        code: 'EMAIL_TAKEN',
        message: 'A user with this e-mail already exists',
        details: { fields: [{ field: 'email', location: 'body', message: 'already in use' }] },
        requestId: 'r2',
      },
      { status: 409, statusText: 'Conflict' },
    );
    const error = await creating.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpErrorResponse);
    expect(fieldErrors(error)).toEqual({ email: 'already in use' });
    expect(fieldErrors(new Error('offline'))).toEqual({});
  });

  it('changes a role and keeps the saved user in the list', async () => {
    const { store, http } = setUp();
    store.users.set([ADMIN, ALICE]);
    const changing = store.changeRole(ALICE, 'admin');
    expect(store.busyId()).toBe('u2');
    const request = http.expectOne({ url: '/api/users/u2', method: 'POST' });
    expect(request.request.body).toEqual({ role: 'admin' });
    request.flush({ ...ALICE, role: 'admin' });
    expect(await changing).toBe(true);
    expect(store.users().map((entry) => entry.role)).toEqual(['admin', 'admin']);
    expect(store.busyId()).toBeNull();
    expect(await store.changeRole(ADMIN, 'admin')).toBe(true);
    http.verify();
  });

  it('shows why the last admin cannot be demoted and reads the stored roles again', async () => {
    const { store, http } = setUp();
    store.users.set([ADMIN, ALICE]);
    const changing = store.changeRole(ADMIN, 'user');
    http.expectOne({ url: '/api/users/u1', method: 'POST' }).flush(LAST_ADMIN, { status: 409, statusText: 'Conflict' });
    await new Promise((resolve) => setTimeout(resolve));
    answerList(http, [{ ...ADMIN }, ALICE]);
    expect(await changing).toBe(false);
    expect(store.actionError()).toBe(
      'Could not change the role of admin@example.com: This is the last active admin; promote another user first',
    );
    expect(store.users()[0].role).toBe('admin');
  });

  it('locks and unlocks through their own routes', async () => {
    const { store, http } = setUp();
    store.users.set([ADMIN, ALICE]);
    const locking = store.setLocked(ALICE, true);
    http.expectOne({ url: '/api/users/u2/lock', method: 'POST' }).flush({ ...ALICE, locked: true });
    expect(await locking).toBe(true);
    expect(store.users()[1].locked).toBe(true);

    const unlocking = store.setLocked(store.users()[1], false);
    http.expectOne({ url: '/api/users/u2/unlock', method: 'POST' }).flush(ALICE);
    expect(await unlocking).toBe(true);
    expect(store.users()[1].locked).toBe(false);
  });

  it('deletes a user, stepping back from a page it empties', async () => {
    const { store, http } = setUp();
    store.pageIndex.set(1);
    store.pageSize.set(10);
    store.users.set([ALICE]);
    const deleting = store.deleteUser(ALICE);
    http.expectOne({ url: '/api/users/u2', method: 'DELETE' }).flush(null, { status: 204, statusText: 'No Content' });
    await new Promise((resolve) => setTimeout(resolve));
    const list = answerList(http, [ADMIN], 10);
    expect(await deleting).toBe(true);
    expect(list.request.params.toString()).toBe('limit=10&offset=0');
    expect(store.pageIndex()).toBe(0);
  });
});

describe('SessionStore.changePassword', () => {
  beforeEach(() => sessionStorage.clear());

  it('continues this tab with the token the controller answers with', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: KEYCLOAK_SESSION, useValue: () => Promise.reject(new Error('not in users mode')) },
      ],
    });
    const store = TestBed.inject(SessionStore);
    const http = TestBed.inject(HttpTestingController);
    const changing = store.changePassword('old password', 'a much longer new password');
    const request = http.expectOne({ url: '/api/auth/password', method: 'POST' });
    expect(request.request.body).toEqual({
      currentPassword: 'old password',
      newPassword: 'a much longer new password',
    });
    request.flush({ accessToken: 'new-token', tokenType: 'Bearer', expiresIn: 3600, user: ADMIN });
    await new Promise((resolve) => setTimeout(resolve));
    http
      .expectOne('/api/auth/me')
      .flush({ kind: 'user', isGlobalAdmin: true, user: ADMIN, authenticationMethod: 'users' });
    await changing;
    expect(sessionStorage.getItem('agent-controller.credential')).toBe('new-token');
    expect(store.token()).toBe('new-token');
    expect(store.isUsersModeUser()).toBe(true);
  });
});
