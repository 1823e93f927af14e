import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '@agent-controller/database/testing';
import { Api, setUpFirstAdmin } from '../support/http';
import { freePort, RunningController, spawnController, startController } from '../support/controller-process';

/** Starts a controller that must refuse to start, and returns its exit code and output. */
async function expectStartupFailure(
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; output: string }> {
  const { exited, output } = spawnController({
    PATH: process.env['PATH'],
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    DATA_DIR: join(require('node:os').tmpdir(), `ac-bad-config-${process.pid}`),
    ...env,
  });
  const code = await exited;
  return { code, output: output() };
}

describe('start-up configuration', () => {
  it.each([
    ['a port that is not a number', { PORT: 'eighty' }, 'PORT'],
    ['an out-of-range port', { PORT: '70000' }, 'PORT'],
    ['a database URL that is not postgres', { DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL'],
    ['an encryption key that is not 32 bytes', { ENCRYPTION_KEY: 'c2hvcnQ=' }, 'ENCRYPTION_KEY'],
    ['an unknown authentication method', { AUTHENTICATION_METHOD: 'ldap' }, 'AUTHENTICATION_METHOD'],
    ['api-key mode without a key', { AUTHENTICATION_METHOD: 'api-key' }, 'STATIC_API_KEY'],
    ['production without an encryption key', { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40) }, 'ENCRYPTION_KEY'],
    [
      'production without a JWT secret',
      { NODE_ENV: 'production', ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') },
      'JWT_SECRET',
    ],
  ])('refuses to start with %s, naming the variable', async (_name, env, variable) => {
    const { code, output } = await expectStartupFailure(env);
    expect(code).not.toBe(0);
    expect(output).toContain('Invalid configuration');
    expect(output).toContain(variable);
  });
});

describe('embedded database (no DATABASE_URL)', () => {
  let controller: RunningController;

  afterAll(() => controller?.stop());

  it('starts on the embedded database, says so, and keeps a generated key file private', async () => {
    controller = await startController({ database: await createTestDatabase('embedded') });
    expect(controller.output()).toMatch(/database: embedded PostgreSQL at .*postgres/);
    const keyFile = join(controller.dataDir, 'secrets', 'encryption.key');
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('refuses a second process on the same data directory', async () => {
    const { code, output } = await expectStartupFailure({ DATA_DIR: controller.dataDir });
    expect(code).not.toBe(0);
    expect(output).toMatch(/in use by process \d+/);
    // The first one is unaffected.
    expect((await new Api(controller.baseUrl).get('/api/health/ready')).status).toBe(200);
  });

  it('keeps its data across a restart', async () => {
    let api = new Api(controller.baseUrl);
    await setUpFirstAdmin(api, controller.setupToken(), 'keeper@example.com');
    const { database, dataDir } = controller;
    await controller.stop({ keepData: true });

    controller = await startController({ database, dataDir });
    api = new Api(controller.baseUrl);
    expect((await api.get('/api/auth/setup')).body.required).toBe(false);
    const login = await api.post('/api/auth/login', { email: 'keeper@example.com', password: 'correct horse battery' });
    expect(login.status).toBe(200);
  });

  it('closes the database and releases the lock on SIGTERM', async () => {
    const lock = join(controller.dataDir, 'postgres.lock');
    expect(existsSync(lock)).toBe(true);
    await controller.stop({ keepData: true });
    expect(existsSync(lock)).toBe(false);
    expect(controller.output()).not.toMatch(/"level":50/);
    controller = await startController({ database: controller.database, dataDir: controller.dataDir });
  });
});
