import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningController, startController } from '../support/controller-process';
import { expectErrorBody } from '../support/error-body';
import { handshakeRefusal } from '../support/gateway-client';

const PASSWORD = 'correct horse battery';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

/** An HS256 JWT signed with the controller's own secret: what someone holding the secret could make. */
function signWithControllerSecret(controller: RunningController, claims: Record<string, unknown>): string {
  const secret = readFileSync(join(controller.dataDir, 'secrets', 'jwt.secret'), 'utf8').trim();
  const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

describe('first-run setup, log-in and user administration (users mode)', () => {
  let controller: RunningController;
  let api: Api;
  let adminToken: string;

  beforeAll(async () => {
    controller = await startController();
    api = new Api(controller.baseUrl);
  });

  afterAll(() => controller?.stop());

  async function login(email: string, password = PASSWORD) {
    return api.post('/api/auth/login', { email, password });
  }

  async function createUser(email: string, role: 'admin' | 'user' = 'user') {
    const response = await api.post('/api/users', { email, password: PASSWORD, role }, { token: adminToken });
    expect(response.status).toBe(201);
    return response.body as { id: string; email: string; role: string };
  }

  describe('before setup', () => {
    it('says setup is required and prints a one-time token in the log', async () => {
      const response = await api.get('/api/auth/setup');
      expect(response.body).toEqual({ required: true, authenticationMethod: 'users' });
      expect(controller.setupToken()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    });

    it('refuses a wrong setup token', async () => {
      const response = await api.post('/api/auth/setup', {
        token: 'wrong-token',
        email: 'a@example.com',
        password: PASSWORD,
      });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('INVALID_SETUP_TOKEN');
    });

    it('refuses protected routes without a token', async () => {
      expect((await api.get('/api/users')).status).toBe(401);
      expect((await api.get('/api/auth/me')).status).toBe(401);
    });
  });

  describe('setup', () => {
    it('creates the first admin with the printed token and logs them in', async () => {
      const response = await api.post('/api/auth/setup', {
        token: controller.setupToken(),
        email: 'First.Admin@Example.com',
        password: PASSWORD,
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 3600,
        user: { email: 'first.admin@example.com', role: 'admin', locked: false },
      });
      expect(response.body.user.passwordHash).toBeUndefined();
      // Setup signs the admin in: their first sign-in.
      expect(Date.now() - Date.parse(response.body.user.lastSignInAt)).toBeLessThan(60_000);
      adminToken = response.body.accessToken;
    });

    it('cannot be done twice, even with the right token', async () => {
      const response = await api.post('/api/auth/setup', {
        token: controller.setupToken(),
        email: 'b@example.com',
        password: PASSWORD,
      });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('SETUP_ALREADY_COMPLETED');
      expect((await api.get('/api/auth/setup')).body.required).toBe(false);
    });
  });

  describe('log-in', () => {
    it('logs the admin in with a case-insensitive e-mail', async () => {
      const response = await login('FIRST.ADMIN@example.com');
      expect(response.status).toBe(200);
      expect(response.body.user.role).toBe('admin');
    });

    it("records each user's last sign-in, without counting it as an edit of the user", async () => {
      const created = await createUser('newcomer@example.com');
      const listed = async () =>
        ((await api.get('/api/users?limit=100', { token: adminToken })).body as Record<string, string | null>[]).find(
          (user) => user.id === created.id,
        );
      const before = await listed();
      expect(before?.lastSignInAt).toBeNull();

      const failed = await login('newcomer@example.com', 'not the password');
      expect(failed.status).toBe(401);
      expect((await listed())?.lastSignInAt).toBeNull();

      const signedIn = await login('newcomer@example.com');
      const at = Date.parse(signedIn.body.user.lastSignInAt);
      expect(Date.now() - at).toBeLessThan(60_000);
      const after = await listed();
      expect(after?.lastSignInAt).toBe(signedIn.body.user.lastSignInAt);
      expect(after?.updatedAt).toBe(before?.updatedAt);

      const again = await login('newcomer@example.com');
      expect(Date.parse(again.body.user.lastSignInAt)).toBeGreaterThanOrEqual(at);
      const read = await api.get(`/api/users/${created.id}`, { token: adminToken });
      expect(read.body.lastSignInAt).toBe(again.body.user.lastSignInAt);
    });

    it('answers a wrong password and an unknown e-mail the same way', async () => {
      const wrongPassword = await login('first.admin@example.com', 'not the password');
      const unknownUser = await login('nobody@example.com');
      expect(wrongPassword.status).toBe(401);
      expect(unknownUser.status).toBe(401);
      expect(wrongPassword.body.message).toBe(unknownUser.body.message);
      expect(wrongPassword.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('tells who is logged in', async () => {
      const response = await api.get('/api/auth/me', { token: adminToken });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ kind: 'user', isGlobalAdmin: true, authenticationMethod: 'users' });
    });

    it('refuses a tampered or garbage token', async () => {
      const [header, payload] = adminToken.split('.');
      expect((await api.get('/api/auth/me', { token: `${header}.${payload}.c2lnbmF0dXJl` })).status).toBe(401);
      expect((await api.get('/api/auth/me', { token: 'not-a-jwt' })).status).toBe(401);
      expect((await api.get('/api/auth/me', { headers: { authorization: `Basic ${adminToken}` } })).status).toBe(401);
    });

    it('refuses a correctly signed token without an expiry, or whose subject is not a user id, over HTTP and the gateway', async () => {
      const { sub, ver } = claimsOf(adminToken);
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub, ver, iat: now, exp: now + 600, iss: 'agent-controller' };
      // The same signing accepted with the claims the controller issues: the refusals below are the claims'.
      const wellFormed = signWithControllerSecret(controller, claims);
      expect((await api.get('/api/auth/me', { token: wellFormed })).status).toBe(200);

      // JSON leaves the undefined claim out.
      const withoutExpiry = { ...claims, exp: undefined };
      for (const forged of [withoutExpiry, { ...claims, sub: 'x' }, { ...claims, sub: `${sub}-0` }]) {
        const token = signWithControllerSecret(controller, forged);
        expectErrorBody(await api.get('/api/auth/me', { token }), { status: 401, code: 'UNAUTHORIZED' });
        expectErrorBody(await api.get('/api/users', { token }), { status: 401, code: 'UNAUTHORIZED' });
        expect((await handshakeRefusal(controller.baseUrl, `Bearer ${token}`))?.data?.code).toBe('UNAUTHORIZED');
      }
    });

    it('refreshes a valid token', async () => {
      const response = await api.post('/api/auth/refresh', undefined, { token: adminToken });
      expect(response.status).toBe(200);
      expect(response.body.accessToken).toEqual(expect.any(String));
    });
  });

  describe('user administration', () => {
    it('creates, reads, lists with a total count, updates and deletes users', async () => {
      const created = await createUser('Operator@Example.com');
      expect(created).toMatchObject({ email: 'operator@example.com', role: 'user' });

      const fetched = await api.get(`/api/users/${created.id}`, { token: adminToken });
      expect(fetched.body.email).toBe('operator@example.com');

      const page = await api.get('/api/users?limit=1&offset=0', { token: adminToken });
      expect(page.body).toHaveLength(1);
      expect(Number(page.headers.get('x-total-count'))).toBeGreaterThanOrEqual(2);

      const renamed = await api.post(`/api/users/${created.id}`, { email: 'ops@example.com' }, { token: adminToken });
      expect(renamed.status).toBe(200);
      expect(renamed.body.email).toBe('ops@example.com');

      const patched = await api.patch(`/api/users/${created.id}`, { role: 'admin' }, { token: adminToken });
      expect(patched.body.role).toBe('admin');

      expect((await api.delete(`/api/users/${created.id}`, { token: adminToken })).status).toBe(204);
      expect((await api.get(`/api/users/${created.id}`, { token: adminToken })).status).toBe(404);
    });

    it('refuses a duplicate e-mail with 409, whatever its case, also when two requests race', async () => {
      await createUser('dup@example.com');
      const again = await api.post(
        '/api/users',
        { email: 'DUP@example.com', password: PASSWORD },
        { token: adminToken },
      );
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('EMAIL_TAKEN');

      const racing = await Promise.all(
        [1, 2, 3].map(() =>
          api.post('/api/users', { email: 'race@example.com', password: PASSWORD }, { token: adminToken }),
        ),
      );
      expect(racing.map((response) => response.status).sort()).toEqual([201, 409, 409]);
    });

    it('answers 404 for a user that does not exist', async () => {
      const response = await api.get('/api/users/00000000-0000-4000-8000-000000000000', { token: adminToken });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOT_FOUND');
    });

    it('lets only global admins manage users', async () => {
      await createUser('plain@example.com');
      const userToken = (await login('plain@example.com')).body.accessToken;
      expect((await api.get('/api/users', { token: userToken })).status).toBe(403);
      const attempt = await api.post(
        '/api/users',
        { email: 'x@example.com', password: PASSWORD },
        { token: userToken },
      );
      expect(attempt.status).toBe(403);
      expect(attempt.body.code).toBe('FORBIDDEN');
    });
  });

  describe('locks, demotions and password changes apply at once', () => {
    it('refuses a locked user at log-in and on an existing token, and lets them back after unlock', async () => {
      const user = await createUser('locked@example.com');
      const token = (await login('locked@example.com')).body.accessToken;

      const locked = await api.post(`/api/users/${user.id}/lock`, undefined, { token: adminToken });
      expect(locked.body.locked).toBe(true);

      const withOldToken = await api.get('/api/auth/me', { token });
      expect(withOldToken.status).toBeGreaterThanOrEqual(401);
      expect(withOldToken.status).toBeLessThanOrEqual(403);
      const loginAttempt = await login('locked@example.com');
      expect(loginAttempt.status).toBe(403);
      expect(loginAttempt.body.code).toBe('ACCOUNT_LOCKED');

      await api.post(`/api/users/${user.id}/unlock`, undefined, { token: adminToken });
      expect((await login('locked@example.com')).status).toBe(200);
    });

    it('takes admin rights away from a demoted admin on their very next request', async () => {
      const second = await createUser('second.admin@example.com', 'admin');
      const token = (await login('second.admin@example.com')).body.accessToken;
      expect((await api.get('/api/users', { token })).status).toBe(200);

      await api.post(`/api/users/${second.id}`, { role: 'user' }, { token: adminToken });
      const afterDemotion = await api.get('/api/users', { token });
      expect(afterDemotion.status).toBe(403);
      expect((await api.get('/api/auth/me', { token })).body.isGlobalAdmin).toBe(false);
    });

    it('ends other sessions when a password changes', async () => {
      await createUser('changer@example.com');
      const first = (await login('changer@example.com')).body.accessToken;
      const second = (await login('changer@example.com')).body.accessToken;

      const wrong = await api.post(
        '/api/auth/password',
        { currentPassword: 'nope', newPassword: 'a brand new password' },
        { token: first },
      );
      expect(wrong.status).toBe(400);
      expect(wrong.body.details.fields[0].field).toBe('currentPassword');

      const changed = await api.post(
        '/api/auth/password',
        { currentPassword: PASSWORD, newPassword: 'a brand new password' },
        { token: first },
      );
      expect(changed.status).toBe(200);
      expect((await api.get('/api/auth/me', { token: second })).status).toBe(401);
      expect((await api.get('/api/auth/me', { token: changed.body.accessToken })).status).toBe(200);
      expect((await login('changer@example.com', 'a brand new password')).status).toBe(200);
    });

    it('never demotes, locks or deletes the last active admin', async () => {
      const users = (await api.get('/api/users?limit=100', { token: adminToken })).body as {
        id: string;
        role: string;
        email: string;
      }[];
      const me = users.find((user) => user.email === 'first.admin@example.com');
      expect(users.filter((user) => user.role === 'admin')).toHaveLength(1);

      const demoted = await api.post(`/api/users/${me?.id}`, { role: 'user' }, { token: adminToken });
      expectErrorBody(demoted, { status: 409, code: 'LAST_ADMIN' });
      // The last admin hears LAST_ADMIN (the reason nobody could undo it); another admin's own account is
      // refused with SELF_CHANGE_REFUSED (next test).
      for (const attempt of [
        api.post(`/api/users/${me?.id}/lock`, undefined, { token: adminToken }),
        api.post(`/api/users/${me?.id}`, { locked: true }, { token: adminToken }),
        api.delete(`/api/users/${me?.id}`, { token: adminToken }),
      ]) {
        expectErrorBody(await attempt, { status: 409, code: 'LAST_ADMIN' });
      }
      // Still there, unlocked, and signed in.
      expect((await api.get('/api/auth/me', { token: adminToken })).body.user).toMatchObject({ locked: false });
    });

    it('lets another admin lock and delete an admin account', async () => {
      const other = await createUser('deputy.admin@example.com', 'admin');
      const otherToken = (await login('deputy.admin@example.com')).body.accessToken;
      const target = await createUser('doomed.admin@example.com', 'admin');

      const locked = await api.post(`/api/users/${target.id}/lock`, undefined, { token: otherToken });
      expect(locked.status).toBe(200);
      expect(locked.body.locked).toBe(true);
      expect((await api.delete(`/api/users/${target.id}`, { token: otherToken })).status).toBe(204);
      for (const attempt of [
        api.post(`/api/users/${other.id}/lock`, undefined, { token: otherToken }),
        api.delete(`/api/users/${other.id}`, { token: otherToken }),
      ]) {
        expectErrorBody(await attempt, { status: 409, code: 'SELF_CHANGE_REFUSED' });
      }
      expect((await api.delete(`/api/users/${other.id}`, { token: adminToken })).status).toBe(204);
    });

    it('keeps one admin when two admins demote each other at the same moment', async () => {
      const other = await createUser('rival.admin@example.com', 'admin');
      const otherToken = (await login('rival.admin@example.com')).body.accessToken;
      const me = (await api.get('/api/auth/me', { token: adminToken })).body.user;

      const [mine, theirs] = await Promise.all([
        api.post(`/api/users/${other.id}`, { role: 'user' }, { token: adminToken }),
        api.post(`/api/users/${me.id}`, { role: 'user' }, { token: otherToken }),
      ]);
      const statuses = [mine.status, theirs.status];
      if (statuses.some((status) => status !== 200 && status !== 409 && status !== 403))
        throw new Error(JSON.stringify([mine.body, theirs.body]));
      const users = (await api.get('/api/users?limit=100', { token: statuses[0] === 200 ? adminToken : otherToken }))
        .body as { role: string }[];
      expect(users.filter((user) => user.role === 'admin').length).toBeGreaterThanOrEqual(1);
      expect(statuses).toContain(200);
      // The loser is either refused as the last admin or already demoted (403).
      expect(statuses.filter((status) => status !== 200).every((status) => status === 409 || status === 403)).toBe(
        true,
      );
    });
  });
});

describe('concurrent first-run setup', () => {
  let controller: RunningController;

  beforeAll(async () => {
    controller = await startController();
  });

  afterAll(() => controller?.stop());

  it('creates exactly one admin when several setup calls race with the right token', async () => {
    const api = new Api(controller.baseUrl);
    const token = controller.setupToken();
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        api.post('/api/auth/setup', { token, email: `racer${index}@example.com`, password: PASSWORD }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);

    const winner = responses.find((response) => response.status === 201);
    const users = await api.get('/api/users', { token: winner?.body.accessToken });
    expect(users.body).toHaveLength(1);
    expect(users.headers.get('x-total-count')).toBe('1');
  });

  it('does not print a new setup token once an admin exists, even after a restart', async () => {
    const { dataDir, database } = controller;
    await controller.stop({ keepData: true });
    controller = await startController({ database, dataDir });
    expect(() => controller.setupToken()).toThrow();
    expect((await new Api(controller.baseUrl).get('/api/auth/setup')).body.required).toBe(false);
  });
});

describe('log-in rate limit', () => {
  let controller: RunningController;

  beforeAll(async () => {
    controller = await startController({ env: { LOGIN_RATE_LIMIT_MAX: '3' } });
    await setUpFirstAdmin(new Api(controller.baseUrl), controller.setupToken());
  });

  afterAll(() => controller?.stop());

  it('answers 429 with Retry-After once the per-minute log-in budget is spent', async () => {
    const api = new Api(controller.baseUrl);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await api.post('/api/auth/login', { email: 'admin@example.com', password: 'wrong password!' });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    expect(last?.status).toBe(429);
    expect(last?.body.code).toBe('RATE_LIMITED');
    // The standard header, not only the throttler's own Retry-After-credentials.
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other routes keep the global budget.
    expect((await api.get('/api/auth/setup')).status).toBe(200);
  });
});

describe('log-in budget per account (users mode)', () => {
  const LOCK_SECONDS = 3;
  const FREE_FAILURES = 4;
  const MAX_FAILURES = 6;
  let controller: RunningController;
  let api: Api;
  let adminToken: string;
  let addresses = 0;

  beforeAll(async () => {
    controller = await startController({
      env: {
        // X-Forwarded-For from the test (on loopback) is the caller's address, as behind a reverse proxy.
        TRUST_PROXY: 'loopback',
        LOGIN_RATE_LIMIT_MAX: '4',
        LOGIN_ACCOUNT_FREE_FAILURES: String(FREE_FAILURES),
        LOGIN_ACCOUNT_DELAY_SECONDS: '1',
        LOGIN_ACCOUNT_MAX_FAILURES: String(MAX_FAILURES),
        LOGIN_ACCOUNT_WINDOW_SECONDS: '60',
        LOGIN_ACCOUNT_LOCK_SECONDS: String(LOCK_SECONDS),
      },
    });
    api = new Api(controller.baseUrl);
    adminToken = await setUpFirstAdmin(api, controller.setupToken());
  });

  afterAll(() => controller?.stop());

  /** A log-in from an address not used before, so the per-address budget never interferes. */
  const loginFromNewAddress = (email: string, password: string) =>
    api.post('/api/auth/login', { email, password }, { headers: { 'x-forwarded-for': `10.0.${++addresses}.1` } });

  async function createUser(email: string): Promise<string> {
    const response = await api.post('/api/users', { email, password: PASSWORD, role: 'user' }, { token: adminToken });
    expect(response.status).toBe(201);
    return response.body.id;
  }

  /**
   * 30 wrong passwords at once, each from its own address; then more, waiting as each refusal says, until the
   * account is locked. Returns the burst's answers and how many guesses were checked in all.
   */
  async function guessUntilLocked(email: string) {
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, index) => loginFromNewAddress(email, `wrong guess ${index}`)),
    );
    let checked = burst.filter((response) => response.status === 401).length;
    let last = burst.find((response) => response.body?.code === 'LOGIN_LOCKED');
    for (let round = 0; !last && round < 20; round++) {
      const guess = await loginFromNewAddress(email, `wrong guess after waiting ${round}`);
      if (guess.status === 401) checked += 1;
      else if (guess.body?.code === 'LOGIN_LOCKED') last = guess;
      else await sleep(Number(guess.headers.get('retry-after')) * 1000 + 100);
    }
    return { burst, checked, locked: last };
  }

  it('lets a burst from many addresses make only the free guesses, slows down, then locks the account naming the unlock time', async () => {
    await createUser('target@example.com');

    const { burst, checked, locked: lockedGuess } = await guessUntilLocked('target@example.com');

    // The free failures and the one that starts the slow-down were checked (one more on a slow machine, once
    // its wait had passed, which locked the account); every other guess was refused without a password check.
    const burstChecked = burst.filter((response) => response.status === 401).length;
    expect(burstChecked).toBeGreaterThanOrEqual(FREE_FAILURES + 1);
    expect(burstChecked).toBeLessThanOrEqual(FREE_FAILURES + 2);
    const slowedDown = burst.filter((response) => response.body?.code === 'LOGIN_THROTTLED');
    expect(slowedDown.length).toBeGreaterThan(0);
    for (const response of burst.filter((answer) => answer.status !== 401)) {
      expect(['LOGIN_THROTTLED', 'LOGIN_LOCKED']).toContain(response.body?.code);
      expectErrorBody(response, { status: 429, code: response.body.code });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    for (const response of slowedDown) {
      expect(Date.parse(response.body.details.retryAt)).toBeGreaterThan(Date.now() - 30_000);
      expect(response.body.details.retryAfterSeconds).toBe(Number(response.headers.get('retry-after')));
    }
    // Exactly the budget's worth of guesses reached the password check before the lock.
    expect(checked).toBe(MAX_FAILURES);
    expect(lockedGuess?.body.code).toBe('LOGIN_LOCKED');

    // Locked: even the right password is refused, with the unlock time and Retry-After.
    const locked = await loginFromNewAddress('target@example.com', PASSWORD);
    expectErrorBody(locked, { status: 429, code: 'LOGIN_LOCKED' });
    const lockedUntil = Date.parse(locked.body.details.lockedUntil);
    expect(locked.body.details.lockedUntil).toBe(new Date(lockedUntil).toISOString());
    expect(locked.body.message).toContain(locked.body.details.lockedUntil);
    expect(lockedUntil).toBeGreaterThan(Date.now());
    expect(lockedUntil).toBeLessThanOrEqual(Date.now() + LOCK_SECONDS * 1000 + 1000);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(LOCK_SECONDS);

    // Once the lock has passed, the owner gets in; the success forgives the count.
    await sleep(lockedUntil - Date.now() + 200);
    expect((await loginFromNewAddress('target@example.com', PASSWORD)).status).toBe(200);
    expect((await loginFromNewAddress('target@example.com', 'wrong again')).status).toBe(401);
    expect((await loginFromNewAddress('target@example.com', PASSWORD)).status).toBe(200);
  }, 40_000);

  it('answers for an unknown e-mail exactly as for a known one (no account enumeration)', async () => {
    const { checked, locked } = await guessUntilLocked('nobody-here@example.com');
    expect(checked).toBe(MAX_FAILURES);
    expect(locked?.body.code).toBe('LOGIN_LOCKED');
    expectErrorBody(await loginFromNewAddress('nobody-here@example.com', PASSWORD), {
      status: 429,
      code: 'LOGIN_LOCKED',
    });
  }, 30_000);

  it('ends the lock when a global admin unlocks the account, and audits it', async () => {
    const id = await createUser('unlock-me@example.com');
    expect((await guessUntilLocked('unlock-me@example.com')).locked?.body.code).toBe('LOGIN_LOCKED');
    expectErrorBody(await loginFromNewAddress('unlock-me@example.com', PASSWORD), {
      status: 429,
      code: 'LOGIN_LOCKED',
    });

    const unlocked = await api.post(`/api/users/${id}/unlock`, undefined, { token: adminToken });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.locked).toBe(false);

    expect((await loginFromNewAddress('unlock-me@example.com', PASSWORD)).status).toBe(200);
    const audit = await api.get(`/api/audit?targetId=${id}&action=user.unlock`, { token: adminToken });
    expect(audit.body).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ loginLockCleared: true }) }),
    ]);
  }, 30_000);

  it('sends Retry-After with the per-address 429 too', async () => {
    const headers = { 'x-forwarded-for': '10.255.0.1' };
    const answers = [];
    for (let i = 0; i < 5; i++) {
      // A different e-mail each time: only the address's budget runs out.
      answers.push(
        await api.post('/api/auth/login', { email: `someone-${i}@example.com`, password: 'x' }, { headers }),
      );
    }
    const last = answers[answers.length - 1];
    expectErrorBody(last, { status: 429, code: 'RATE_LIMITED' });
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
