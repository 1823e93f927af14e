import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@agent-controller/database/testing';
import { freePort, RunningController, spawnController, startController } from '../support/controller-process';
import { expectErrorBody, settleLogs } from '../support/error-body';
import { Api } from '../support/http';

/** 48 characters, mixed case (so a case-folded copy is a different key). */
const KEY = `Ak${randomBytes(34).toString('base64url')}`;
const BASE64 = (value: string) => Buffer.from(value, 'utf8').toString('base64');

const API_KEY_PRINCIPAL = { kind: 'api-key', isGlobalAdmin: true, user: null, authenticationMethod: 'api-key' };

/** Authorization headers that carry the key in an accepted form. */
const GOOD_HEADERS: Array<{ name: string; headers: Record<string, string> }> = [
  { name: 'Bearer <key>', headers: { authorization: `Bearer ${KEY}` } },
  { name: 'ApiKey <key>', headers: { authorization: `ApiKey ${KEY}` } },
  { name: 'bearer <key> (scheme is case-insensitive)', headers: { authorization: `bearer ${KEY}` } },
  { name: 'APIKEY <key> (scheme is case-insensitive)', headers: { authorization: `APIKEY ${KEY}` } },
];

/** Header shapes that must all be refused with 401 UNAUTHORIZED. Names never contain the key. */
// prettier-ignore
const BAD_HEADERS: Array<{ name: string; headers: Record<string, string> }> = [
  { name: 'no Authorization header', headers: {} },
  { name: 'an empty Authorization header', headers: { authorization: '' } },
  { name: '"Bearer" alone', headers: { authorization: 'Bearer' } },
  { name: '"Bearer" and blanks', headers: { authorization: 'Bearer  ' } },
  { name: '"ApiKey" alone', headers: { authorization: 'ApiKey' } },
  { name: 'the bare key without a scheme', headers: { authorization: KEY } },
  { name: 'Basic <base64 of the key>', headers: { authorization: `Basic ${BASE64(KEY)}` } },
  { name: 'Basic <base64 of user:key>', headers: { authorization: `Basic ${BASE64(`admin:${KEY}`)}` } },
  { name: 'Bearer <key>x (one character appended)', headers: { authorization: `Bearer ${KEY}x` } },
  { name: 'Bearer x<key> (one character prepended)', headers: { authorization: `Bearer x${KEY}` } },
  { name: 'Bearer <key> extra (a third word)', headers: { authorization: `Bearer ${KEY} extra` } },
  { name: 'Bearer <key minus its last character> (wrong length)', headers: { authorization: `Bearer ${KEY.slice(0, -1)}` } },
  { name: 'Bearer <key twice> (wrong length)', headers: { authorization: `Bearer ${KEY}${KEY}` } },
  { name: 'Bearer <key lower-cased> (the key is case-sensitive)', headers: { authorization: `Bearer ${KEY.toLowerCase()}` } },
  { name: 'Bearer <base64 of the key>', headers: { authorization: `Bearer ${BASE64(KEY)}` } },
  { name: 'Bearer <a JWT-shaped token>', headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' } },
  { name: 'Bearer<tab><key> (no space)', headers: { authorization: `Bearer\t${KEY}` } },
  { name: 'Token <key> (unknown scheme)', headers: { authorization: `Token ${KEY}` } },
  { name: 'Key <key> (unknown scheme)', headers: { authorization: `Key ${KEY}` } },
  { name: 'the key in X-Api-Key only', headers: { 'x-api-key': KEY } },
  { name: 'the key in X-Api-Key and a wrong Bearer', headers: { 'x-api-key': KEY, authorization: 'Bearer wrong' } },
];

/** Routes that exist only for users mode: each answers 400 NOT_APPLICABLE_IN_API_KEY_MODE, even to the key holder. */
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const VALID_NEW_USER = { email: 'someone@example.com', password: 'a long enough password' };
// prettier-ignore
const USERS_MODE_ONLY: Array<{ name: string; method: string; path: string; body?: unknown; withKey: boolean }> = [
  { name: 'POST /api/auth/setup', method: 'POST', path: '/api/auth/setup', body: { token: 'x'.repeat(32), ...VALID_NEW_USER }, withKey: false },
  { name: 'POST /api/auth/login', method: 'POST', path: '/api/auth/login', body: VALID_NEW_USER, withKey: false },
  { name: 'POST /api/auth/login (with the key)', method: 'POST', path: '/api/auth/login', body: VALID_NEW_USER, withKey: true },
  { name: 'POST /api/auth/refresh', method: 'POST', path: '/api/auth/refresh', withKey: true },
  {
    name: 'POST /api/auth/password',
    method: 'POST',
    path: '/api/auth/password',
    body: { currentPassword: 'whatever', newPassword: 'a long enough password' },
    withKey: true,
  },
  { name: 'GET /api/users', method: 'GET', path: '/api/users', withKey: true },
  { name: 'POST /api/users', method: 'POST', path: '/api/users', body: VALID_NEW_USER, withKey: true },
  { name: 'GET /api/users/:id', method: 'GET', path: `/api/users/${UNKNOWN_ID}`, withKey: true },
  { name: 'POST /api/users/:id', method: 'POST', path: `/api/users/${UNKNOWN_ID}`, body: { role: 'admin' }, withKey: true },
  { name: 'PATCH /api/users/:id', method: 'PATCH', path: `/api/users/${UNKNOWN_ID}`, body: { locked: true }, withKey: true },
  { name: 'POST /api/users/:id/lock', method: 'POST', path: `/api/users/${UNKNOWN_ID}/lock`, withKey: true },
  { name: 'POST /api/users/:id/unlock', method: 'POST', path: `/api/users/${UNKNOWN_ID}/unlock`, withKey: true },
  { name: 'DELETE /api/users/:id', method: 'DELETE', path: `/api/users/${UNKNOWN_ID}`, withKey: true },
];

describe('api-key authentication mode', () => {
  let controller: RunningController;
  let api: Api;

  beforeAll(async () => {
    controller = await startController({ env: { AUTHENTICATION_METHOD: 'api-key', STATIC_API_KEY: KEY } });
    api = new Api(controller.baseUrl);
  });

  afterAll(() => controller?.stop());

  it.each(GOOD_HEADERS)('accepts $name on GET /api/auth/me as the global admin', async ({ headers }) => {
    const response = await api.get('/api/auth/me', { headers });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(API_KEY_PRINCIPAL);
  });

  it.each(BAD_HEADERS)('refuses $name with 401 UNAUTHORIZED', async ({ headers }) => {
    const response = await api.get('/api/auth/me', { headers });
    expectErrorBody(response, { status: 401, code: 'UNAUTHORIZED' });
  });

  it('refuses a bad header on a users route with 401 before anything else', async () => {
    expectErrorBody(await api.get('/api/users', { headers: { authorization: `Bearer ${KEY}x` } }), {
      status: 401,
      code: 'UNAUTHORIZED',
    });
  });

  it('keeps the health endpoints public', async () => {
    const live = await api.get('/api/health');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
    const ready = await api.get('/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.database.status).toBe('up');
  });

  it('reports that no setup is needed', async () => {
    const response = await api.get('/api/auth/setup');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ required: false, authenticationMethod: 'api-key' });
  });

  it('prints no setup token', () => {
    expect(controller.output()).not.toMatch(/setup token/i);
  });

  it.each(USERS_MODE_ONLY)(
    'answers $name with 400 NOT_APPLICABLE_IN_API_KEY_MODE',
    async ({ method, path, body, withKey }) => {
      const response = await api.request(method, path, {
        body,
        headers: withKey ? { authorization: `Bearer ${KEY}` } : {},
      });
      expectErrorBody(response, { status: 400, code: 'NOT_APPLICABLE_IN_API_KEY_MODE' });
    },
  );

  it('still needs the key for users routes (401 before 400)', async () => {
    expectErrorBody(await api.get('/api/users'), { status: 401, code: 'UNAUTHORIZED' });
  });

  // Last, so every request above (good key, near-misses, key in X-Api-Key) has been logged.
  it('never writes the key, or a recognisable part of it, to the output', async () => {
    await settleLogs();
    const output = controller.output();
    expect(output).toContain('/api/auth/me'); // the requests were logged at all
    for (const fragment of [KEY, KEY.slice(0, 12), KEY.slice(-12), BASE64(KEY).slice(0, 16)]) {
      expect(output).not.toContain(fragment);
    }
  });
});

describe('api-key mode start-up checks', () => {
  const REFUSED: Array<{ name: string; staticApiKey: string | undefined }> = [
    { name: 'no STATIC_API_KEY', staticApiKey: undefined },
    { name: 'an empty STATIC_API_KEY', staticApiKey: '' },
    {
      name: 'a 31-character STATIC_API_KEY',
      staticApiKey: `Short${randomBytes(24).toString('base64url')}`.slice(0, 31),
    },
  ];

  it.each(REFUSED)('refuses to start with $name, naming the variable', async ({ staticApiKey }) => {
    const database = await createTestDatabase();
    const dataDir = database.backend === 'embedded' ? database.env['DATA_DIR'] : mkdtempSync(join(tmpdir(), 'ac-e2e-'));
    const started = spawnController({
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? tmpdir(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      ...database.env,
      AUTHENTICATION_METHOD: 'api-key',
      STATIC_API_KEY: staticApiKey,
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const exitCode = await Promise.race([
        started.exited,
        new Promise<'still running'>(
          (resolveTimeout) => (timer = setTimeout(() => resolveTimeout('still running'), 30_000)),
        ),
      ]);
      expect(exitCode).not.toBe('still running');
      expect(exitCode).not.toBe(0);
      expect(exitCode).not.toBeNull();
      expect(started.output()).toMatch(/failed to start[\s\S]*STATIC_API_KEY/);
      if (staticApiKey) expect(started.output()).not.toContain(staticApiKey);
    } finally {
      clearTimeout(timer);
      if (started.child.exitCode === null && started.child.signalCode === null) {
        started.child.kill('SIGKILL');
        await started.exited;
      }
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
