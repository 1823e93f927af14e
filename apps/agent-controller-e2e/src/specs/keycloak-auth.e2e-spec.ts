import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningController, spawnController, startController } from '../support/controller-process';
import { expectErrorBody } from '../support/error-body';
import { handshakeRefusal } from '../support/gateway-client';
import { Api } from '../support/http';
import {
  CONSOLE_CLIENT,
  CONTROLLER_CLIENT,
  IdpUser,
  RunningOidcProvider,
  startOidcProvider,
} from '../support/oidc-provider-process';

const REALM = 'agents';
const OTHER_REALM = 'other';
const OTHER_APP = { clientId: 'other-app', secret: 'other-app-secret' };
/** Tokens for the controller (by audience) that live one second. */
const SHORT_LIVED = { clientId: 'short-lived', secret: 'short-lived-secret' };
const LOCAL_PASSWORD = 'a long enough password';

const unique = () => randomBytes(5).toString('hex');
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An RS256 JWT signed with a key the provider never had: the one hand-made token, because forgery is the case. */
function forge(claims: Record<string, unknown>, kid: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingInput = `${b64url({ alg: 'RS256', typ: 'at+jwt', kid })}.${b64url(claims)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

describe('keycloak authentication mode', () => {
  let idp: RunningOidcProvider;
  let offline: RunningController;
  let online: RunningController;
  let api: Api;
  let onlineApi: Api;
  let adminToken: string;

  const keycloakEnv = (extra: Record<string, string> = {}) => ({
    AUTHENTICATION_METHOD: 'keycloak',
    KEYCLOAK_AUTH_SERVER_URL: idp.url,
    KEYCLOAK_REALM: REALM,
    KEYCLOAK_CLIENT_ID: CONTROLLER_CLIENT.clientId,
    ...extra,
  });

  /** A new user in the provider's realm; username and e-mail unique per call. */
  async function newIdpUser(overrides: Partial<IdpUser> = {}, realm = REALM) {
    const name = `user-${unique()}`;
    const user: IdpUser = {
      username: name,
      password: `pw-${unique()}`,
      email: `${name}@example.com`,
      emailVerified: true,
      realmRoles: [],
      ...overrides,
    };
    const { id } = await idp.putUser(user, realm);
    return { ...user, id };
  }

  const tokenOf = (user: IdpUser, client = CONTROLLER_CLIENT) => idp.passwordToken(user, { client });

  async function listUsers(): Promise<{ total: number; users: Array<{ id: string; email: string; role: string }> }> {
    const response = await api.get('/api/users?limit=100', { token: adminToken });
    expect(response.status).toBe(200);
    return { total: Number(response.headers.get('x-total-count')), users: response.body };
  }

  beforeAll(async () => {
    idp = await startOidcProvider({ realms: [REALM, OTHER_REALM] });
    await idp.putClient({ ...OTHER_APP, audience: ['account'] });
    await idp.putClient({ ...SHORT_LIVED, audience: ['agent-controller'], accessTokenLifespan: 1 });
    [offline, online] = await Promise.all([
      startController({ env: keycloakEnv() }),
      startController({
        env: keycloakEnv({
          KEYCLOAK_TOKEN_VALIDATION: 'ONLINE',
          KEYCLOAK_CLIENT_SECRET: CONTROLLER_CLIENT.secret,
          KEYCLOAK_INTROSPECTION_CACHE_SECONDS: '1',
        }),
      }),
    ]);
    api = new Api(offline.baseUrl);
    onlineApi = new Api(online.baseUrl);
    const admin = await newIdpUser({ realmRoles: ['admin'] });
    adminToken = await tokenOf(admin);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([offline?.stop(), online?.stop()]);
    await idp?.stop();
  });

  describe('start-up', () => {
    it('refuses to start without the realm and client, naming each', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'ac-e2e-'));
      try {
        const { child, output, exited } = spawnController({
          PATH: process.env['PATH'] ?? '',
          NODE_ENV: 'test',
          DATA_DIR: dataDir,
          AUTHENTICATION_METHOD: 'keycloak',
          KEYCLOAK_AUTH_SERVER_URL: idp.url,
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        const code = await exited;
        clearTimeout(timer);
        expect(code).not.toBe(0);
        expect(output()).toContain('KEYCLOAK_REALM: required when AUTHENTICATION_METHOD=keycloak');
        expect(output()).toContain('KEYCLOAK_CLIENT_ID: required when AUTHENTICATION_METHOD=keycloak');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('routes of the other modes', () => {
    it('says no setup is needed', async () => {
      expect((await api.get('/api/auth/setup')).body).toEqual({ required: false, authenticationMethod: 'keycloak' });
    });

    it.each([
      [
        'POST /api/auth/setup',
        '/api/auth/setup',
        { token: 'x'.repeat(32), email: 'a@example.com', password: LOCAL_PASSWORD },
      ],
      ['POST /api/auth/login', '/api/auth/login', { email: 'a@example.com', password: LOCAL_PASSWORD }],
    ])('answers %s with 400 NOT_APPLICABLE_IN_THIS_MODE', async (_name, path, body) => {
      expectErrorBody(await api.post(path, body), { status: 400, code: 'NOT_APPLICABLE_IN_THIS_MODE' });
    });

    it('does not turn a Keycloak token into a token of its own, nor change a password', async () => {
      expectErrorBody(await api.post('/api/auth/refresh', undefined, { token: adminToken }), {
        status: 400,
        code: 'NOT_APPLICABLE_IN_THIS_MODE',
      });
      const password = await api.post(
        '/api/auth/password',
        { currentPassword: 'whatever', newPassword: LOCAL_PASSWORD },
        { token: adminToken },
      );
      expectErrorBody(password, { status: 400, code: 'NOT_APPLICABLE_IN_THIS_MODE' });
    });
  });

  describe('offline validation', () => {
    it('refuses a request without a token, or with another scheme', async () => {
      expectErrorBody(await api.get('/api/auth/me'), { status: 401, code: 'UNAUTHORIZED' });
      const basic = await api.get('/api/auth/me', { headers: { authorization: `Basic ${b64url('a:b')}` } });
      expectErrorBody(basic, { status: 401, code: 'UNAUTHORIZED' });
    });

    it('accepts a valid token and creates the user on first sight, with the verified e-mail', async () => {
      const before = await listUsers();
      const user = await newIdpUser({ email: `Mixed.${unique()}@Example.com` });

      const response = await api.get('/api/auth/me', { token: await tokenOf(user) });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        kind: 'user',
        isGlobalAdmin: false,
        authenticationMethod: 'keycloak',
        user: { email: user.email?.toLowerCase(), role: 'user', locked: false },
      });
      const after = await listUsers();
      expect(after.total).toBe(before.total + 1);
      expect(after.users.find((row) => row.id === response.body.user.id)).toBeDefined();
    });

    it("records the user's sign-in from the token, once per Keycloak session", async () => {
      const user = await newIdpUser();
      const token = await tokenOf(user);
      const claims = claimsOf(token);
      const first = await api.get('/api/auth/me', { token });
      // auth_time when the realm names it (Keycloak does), else the token's iat.
      expect(Date.parse(first.body.user.lastSignInAt)).toBe((claims.auth_time ?? claims.iat) * 1000);
      // Further requests of that session leave it (and the row's updatedAt) alone.
      const again = await api.get('/api/auth/me', { token });
      expect(again.body.user.lastSignInAt).toBe(first.body.user.lastSignInAt);
      const row = (await api.get(`/api/users/${first.body.user.id}`, { token: adminToken })).body;
      expect(row).toMatchObject({ lastSignInAt: first.body.user.lastSignInAt, updatedAt: first.body.user.updatedAt });
    });

    it('makes a holder of the admin realm role a global admin who may manage users', async () => {
      const me = await api.get('/api/auth/me', { token: adminToken });
      expect(me.body).toMatchObject({ isGlobalAdmin: true, user: { role: 'admin' } });
      expect((await api.get('/api/users', { token: adminToken })).status).toBe(200);
    });

    it('answers 403 on /api/users to a user without the admin role', async () => {
      const token = await tokenOf(await newIdpUser());
      expectErrorBody(await api.get('/api/users', { token }), { status: 403, code: 'FORBIDDEN' });
    });

    it('follows the realm role on every request, writing it to the local user', async () => {
      const user = await newIdpUser({ realmRoles: ['admin'] });
      const asAdmin = await api.get('/api/auth/me', { token: await tokenOf(user) });
      expect(asAdmin.body.isGlobalAdmin).toBe(true);

      await idp.putUser({ ...user, realmRoles: ['offline_access'] });
      const demotedToken = await tokenOf(user);
      const demoted = await api.get('/api/auth/me', { token: demotedToken });
      expect(demoted.body).toMatchObject({ isGlobalAdmin: false, user: { id: asAdmin.body.user.id, role: 'user' } });
      expect((await api.get(`/api/users/${asAdmin.body.user.id}`, { token: adminToken })).body.role).toBe('user');
      expect((await api.get('/api/users', { token: demotedToken })).status).toBe(403);
    });

    it('refuses an expired token', async () => {
      const token = await tokenOf(await newIdpUser(), SHORT_LIVED);
      expect((await api.get('/api/auth/me', { token })).status).toBe(200);

      // One second of life plus the controller's five seconds of clock tolerance.
      await sleep((claimsOf(token).exp + 6) * 1000 - Date.now() + 100);

      const response = await api.get('/api/auth/me', { token });
      expectErrorBody(response, { status: 401, code: 'UNAUTHORIZED' });
      expect(response.body.message).toMatch(/expired/);
    }, 20_000);

    it('refuses a token of another realm (wrong issuer)', async () => {
      const user = await newIdpUser({}, OTHER_REALM);
      const token = await idp.passwordToken(user, { realm: OTHER_REALM });
      expect(claimsOf(token).iss).toBe(idp.issuer(OTHER_REALM));

      const response = await api.get('/api/auth/me', { token });
      expectErrorBody(response, { status: 401, code: 'UNAUTHORIZED' });
      expect(response.body.message).toMatch(/issuer|unknown key/);
    });

    it('refuses a token obtained by another client that does not name the controller as audience', async () => {
      const user = await newIdpUser();
      for (const token of [await tokenOf(user, OTHER_APP), await idp.clientCredentialsToken({ client: OTHER_APP })]) {
        expect(claimsOf(token)).toMatchObject({ azp: 'other-app', aud: 'account' });
        const response = await api.get('/api/auth/me', { token });
        expectErrorBody(response, { status: 401, code: 'UNAUTHORIZED' });
        expect(response.body.message).toBe('Token is not meant for this service');
      }
    });

    it('accepts a token of another client that names the controller in its audience', async () => {
      const token = await tokenOf(await newIdpUser(), CONSOLE_CLIENT);
      expect(claimsOf(token)).toMatchObject({ azp: 'agent-console', aud: ['agent-controller', 'account'] });
      expect((await api.get('/api/auth/me', { token })).status).toBe(200);
    });

    it('accepts a service account token of its own client as a user', async () => {
      const token = await idp.clientCredentialsToken();
      const response = await api.get('/api/auth/me', { token });
      expect(response.status).toBe(200);
      expect(response.body.user.email).toMatch(/@keycloak\.invalid$/);
    });

    it('refuses a token signed by another key, even under a known kid', async () => {
      const real = await tokenOf(await newIdpUser({ realmRoles: ['admin'] }));
      const { kid } = headerOf(real);

      for (const forged of [forge(claimsOf(real), kid), forge(claimsOf(real), 'unknown-kid')]) {
        const response = await api.get('/api/auth/me', { token: forged });
        expectErrorBody(response, { status: 401, code: 'UNAUTHORIZED' });
        expect(response.body.message).toMatch(/signature|unknown key/);
        expect(response.text).not.toContain(forged);
      }
    });

    it('refuses a real token whose claims were changed', async () => {
      const [header, , signature] = (await tokenOf(await newIdpUser())).split('.');
      const tampered = `${header}.${b64url({ ...claimsOf(adminToken), sub: 'someone-else' })}.${signature}`;

      const response = await api.get('/api/auth/me', { token: tampered });
      expectErrorBody(response, { status: 401, code: 'UNAUTHORIZED' });
      expect(response.body.message).toBe('Token signature is invalid');
    });

    it('fetches the key set again when the provider rotates its key (unknown kid)', async () => {
      const user = await newIdpUser();
      const before = await tokenOf(user);
      expect((await api.get('/api/auth/me', { token: before })).status).toBe(200);

      const kid = await idp.rotateSigningKey();
      const after = await tokenOf(user);
      expect(headerOf(after).kid).toBe(kid);

      // The key set is re-read on an unknown kid at most every 10 s, so a fetch just before may delay it.
      let status = 0;
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        status = (await api.get('/api/auth/me', { token: after })).status;
        if (status === 200) break;
        expect(status).toBe(401);
        await sleep(500);
      }
      expect(status).toBe(200);
      // The previous key is still published, so its tokens keep working until they expire.
      expect((await api.get('/api/auth/me', { token: before })).status).toBe(200);
    }, 30_000);
  });

  describe('mapping to local users', () => {
    async function createLocalUser(email: string) {
      const response = await api.post('/api/users', { email, password: LOCAL_PASSWORD }, { token: adminToken });
      expect(response.status).toBe(201);
      return response.body as { id: string; email: string };
    }

    it('links a user an admin created before when Keycloak vouches for the same e-mail', async () => {
      const local = await createLocalUser(`carol-${unique()}@example.com`);
      const user = await newIdpUser({ email: local.email.toUpperCase(), emailVerified: true });

      const first = await api.get('/api/auth/me', { token: await tokenOf(user) });
      const again = await api.get('/api/auth/me', { token: await tokenOf(user) });

      expect(first.body.user).toMatchObject({ id: local.id, email: local.email });
      expect(again.body.user.id).toBe(local.id);
    });

    it('does not link on an unverified e-mail: the user is a new one with a placeholder address', async () => {
      const local = await createLocalUser(`dave-${unique()}@example.com`);
      const user = await newIdpUser({ email: local.email, emailVerified: false });

      const response = await api.get('/api/auth/me', { token: await tokenOf(user) });

      expect(response.status).toBe(200);
      expect(response.body.user.id).not.toBe(local.id);
      expect(response.body.user.email).toBe(`${user.id}@keycloak.invalid`);
      expect((await api.get(`/api/users/${local.id}`, { token: adminToken })).body.email).toBe(local.email);
    });

    it('accepts a subject that is not a UUID (Keycloak federates other stores) over HTTP and the gateway', async () => {
      const user = await newIdpUser({ id: `ldap:${unique()}`, email: undefined, emailVerified: false });
      const token = await tokenOf(user);

      const response = await api.get('/api/auth/me', { token });

      expect(response.status).toBe(200);
      expect(response.body.user.email).toMatch(/^sub-sha256-[0-9a-f]{40}@keycloak\.invalid$/);
      expect((await api.get('/api/auth/me', { token })).body.user.id).toBe(response.body.user.id);
      expect(await handshakeRefusal(offline.baseUrl, `Bearer ${token}`)).toBeNull();
    });

    it('refuses a user an admin locked, and accepts them again once unlocked', async () => {
      const token = await tokenOf(await newIdpUser());
      const { id } = (await api.get('/api/auth/me', { token })).body.user;

      expect((await api.post(`/api/users/${id}/lock`, undefined, { token: adminToken })).status).toBe(200);
      expectErrorBody(await api.get('/api/auth/me', { token }), { status: 403, code: 'ACCOUNT_LOCKED' });

      expect((await api.post(`/api/users/${id}/unlock`, undefined, { token: adminToken })).status).toBe(200);
      expect((await api.get('/api/auth/me', { token })).status).toBe(200);
    });

    it('creates exactly one user when a new subject sends many first requests at once', async () => {
      const before = await listUsers();
      const token = await tokenOf(await newIdpUser());

      const responses = await Promise.all(Array.from({ length: 12 }, () => api.get('/api/auth/me', { token })));

      expect(responses.map((response) => response.status)).toEqual(Array(12).fill(200));
      expect(new Set(responses.map((response) => response.body.user.id)).size).toBe(1);
      expect((await listUsers()).total).toBe(before.total + 1);
    });
  });

  describe('online validation (token introspection)', () => {
    it('accepts an active token', async () => {
      const user = await newIdpUser({ realmRoles: ['admin'] });
      const token = await idp.passwordToken(user, { opaque: true });

      const response = await onlineApi.get('/api/auth/me', { token });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ isGlobalAdmin: true, user: { email: user.email } });
    });

    it('refuses a token revoked before its first use', async () => {
      const token = await idp.passwordToken(await newIdpUser(), { opaque: true });
      await idp.revoke(token);

      const response = await onlineApi.get('/api/auth/me', { token });
      expectErrorBody(response, { status: 401, code: 'UNAUTHORIZED' });
      expect(response.body.message).toBe('Token is not active');
    });

    it('refuses a revoked token once the short positive cache has expired', async () => {
      const token = await idp.passwordToken(await newIdpUser(), { opaque: true });
      expect((await onlineApi.get('/api/auth/me', { token })).status).toBe(200);

      await idp.revoke(token);
      await sleep(1_200);

      expectErrorBody(await onlineApi.get('/api/auth/me', { token }), { status: 401, code: 'UNAUTHORIZED' });
    });

    it('refuses an active token of another client that does not name the controller as audience', async () => {
      const token = await idp.passwordToken(await newIdpUser(), { opaque: true, client: OTHER_APP });

      const response = await onlineApi.get('/api/auth/me', { token });
      expectErrorBody(response, { status: 401, code: 'UNAUTHORIZED' });
      expect(response.body.message).toBe('Token is not meant for this service');
    });

    it('refuses a token of another realm, which this realm does not know', async () => {
      const user = await newIdpUser({}, OTHER_REALM);
      const token = await idp.passwordToken(user, { realm: OTHER_REALM, opaque: true });

      expectErrorBody(await onlineApi.get('/api/auth/me', { token }), { status: 401, code: 'UNAUTHORIZED' });
    });

    it('refuses made-up tokens', async () => {
      for (const token of ['not-a-token', forge({ sub: 'x', iss: idp.issuer(), azp: 'agent-controller' }, 'k')]) {
        expectErrorBody(await onlineApi.get('/api/auth/me', { token }), { status: 401, code: 'UNAUTHORIZED' });
      }
    });
  });

  describe('Socket.IO handshakes', () => {
    it('reach the same decision as HTTP, offline and online', async () => {
      const user = await newIdpUser();
      const locked = await newIdpUser();
      const lockedToken = await tokenOf(locked);
      const lockedId = (await api.get('/api/auth/me', { token: lockedToken })).body.user.id;
      expect((await api.post(`/api/users/${lockedId}/lock`, undefined, { token: adminToken })).status).toBe(200);
      const real = await tokenOf(user);
      const cases: Array<[string, Api, string, string | undefined]> = [
        ['offline, valid', api, offline.baseUrl, `Bearer ${real}`],
        ['offline, locked user', api, offline.baseUrl, `Bearer ${lockedToken}`],
        ['offline, wrong audience', api, offline.baseUrl, `Bearer ${await tokenOf(user, OTHER_APP)}`],
        ['offline, forged', api, offline.baseUrl, `Bearer ${forge(claimsOf(real), headerOf(real).kid)}`],
        ['offline, missing', api, offline.baseUrl, undefined],
        ['online, active', onlineApi, online.baseUrl, `Bearer ${await idp.passwordToken(user, { opaque: true })}`],
        ['online, made up', onlineApi, online.baseUrl, 'Bearer not-a-token'],
      ];
      for (const [name, httpApi, baseUrl, authorization] of cases) {
        const http = await httpApi.get('/api/auth/me', { headers: authorization ? { authorization } : {} });
        const refusal = await handshakeRefusal(baseUrl, authorization);
        expect({ name, allowed: refusal === null, code: refusal?.data?.code }).toEqual({
          name,
          allowed: http.status === 200,
          code: http.status === 200 ? undefined : http.body.code,
        });
      }
    });
  });

  describe('when Keycloak is unreachable', () => {
    it('keeps validating offline with the cached keys, and answers 503 online', async () => {
      const user = await newIdpUser();
      const jwt = await tokenOf(user);
      const opaque = await idp.passwordToken(user, { opaque: true });

      await idp.stop();

      expect((await api.get('/api/auth/me', { token: jwt })).status).toBe(200);
      const response = await onlineApi.get('/api/auth/me', { token: opaque });
      expectErrorBody(response, { status: 503, code: 'SERVICE_UNAVAILABLE' });
    });
  });
});
