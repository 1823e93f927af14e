import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppConfig, InvalidConfigError, loadAppConfig } from './app-config';

const key32 = () => randomBytes(32).toString('base64');
const jwtSecret = 'j'.repeat(32);

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'agent-controller-config-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** Loads with a throw-away DATA_DIR so generated secrets never land in the repository. */
function load(env: Record<string, string | undefined> = {}): AppConfig {
  return loadAppConfig({ DATA_DIR: dataDir, ...env });
}

function configError(env: Record<string, string | undefined>): InvalidConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadAppConfig', () => {
  describe('defaults', () => {
    it('waits 5 s not-ready on SIGTERM with a server database (replicas behind a balancer), as configured otherwise', () => {
      expect(load({ DATABASE_URL: 'postgres://db.internal/agents' }).http.shutdownReadinessDelayMs).toBe(5000);
      expect(load({ SHUTDOWN_READINESS_DELAY_SECONDS: '2' }).http.shutdownReadinessDelayMs).toBe(2000);
    });

    it('listens on 0.0.0.0:3100 in users mode with an embedded database under DATA_DIR/postgres', () => {
      const config = load();

      expect(config.http).toEqual({
        host: '0.0.0.0',
        port: 3100,
        corsOrigins: [],
        trustProxy: false,
        keepAliveTimeoutMs: 65_000,
        // One process on the embedded database: nothing to take it out of rotation for.
        shutdownReadinessDelayMs: 0,
        shutdownDrainMs: 10_000,
      });
      expect(config.auth.method).toBe('users');
      expect(config.dataDir).toBe(resolve(dataDir));
      expect(config.database).toEqual({ kind: 'embedded', dataDir: join(resolve(dataDir), 'postgres') });
    });

    it('runs as development with the documented limits', () => {
      const config = load();

      expect(config.environment).toBe('development');
      expect(config.isProduction).toBe(false);
      expect(config.logLevel).toBe('info');
      expect(config.auth.jwtExpiresInSeconds).toBe(3600);
      expect(config.auth.staticApiKey).toBeUndefined();
      expect(config.rateLimit).toEqual({
        ttlSeconds: 60,
        max: 600,
        loginMax: 10,
        loginAccount: { freeFailures: 3, delaySeconds: 1, maxFailures: 10, windowSeconds: 900, lockSeconds: 900 },
      });
      expect(config.encryption.previousKeys).toEqual([]);
    });

    it('resolves the default DATA_DIR ./data against the working directory', () => {
      // Both secrets given, so nothing is written under the real ./data.
      const config = loadAppConfig({ ENCRYPTION_KEY: key32(), JWT_SECRET: jwtSecret });

      expect(config.dataDir).toBe(resolve('data'));
      expect(config.database).toEqual({ kind: 'embedded', dataDir: resolve('data', 'postgres') });
    });

    it('treats empty values (FOO= in an env file) as not set', () => {
      const config = load({ PORT: '', DATABASE_URL: '', STATIC_API_KEY: '', DB_SSL: '' });
      expect(config.http.port).toBe(3100);
      expect(config.database.kind).toBe('embedded');
      expect(config.auth.staticApiKey).toBeUndefined();
    });

    it('reads numbers from strings', () => {
      const config = load({ PORT: '8080', JWT_EXPIRES_IN_SECONDS: '900', RATE_LIMIT_MAX: '5' });

      expect(config.http.port).toBe(8080);
      expect(config.auth.jwtExpiresInSeconds).toBe(900);
      expect(config.rateLimit.max).toBe(5);
    });
  });

  describe('database selection', () => {
    it('uses a PostgreSQL server when DATABASE_URL is set', () => {
      const url = 'postgres://agent:secret@db.internal:5433/agents';
      const config = load({ DATABASE_URL: url });

      expect(config.database).toMatchObject({ kind: 'server', url });
    });

    it('accepts the postgresql:// scheme too', () => {
      expect(load({ DATABASE_URL: 'postgresql://db.internal/agents' }).database.kind).toBe('server');
    });

    it('uses a PostgreSQL server when DB_HOST is set, with the DB_* defaults', () => {
      const config = load({ DB_HOST: 'db.internal' });

      expect(config.database).toEqual({
        kind: 'server',
        url: undefined,
        host: 'db.internal',
        port: 5432,
        username: 'postgres',
        password: undefined,
        database: 'agent_controller',
        ssl: false,
        poolSize: 10,
        statementTimeoutMs: 30_000,
      });
    });

    it('reads every DB_* variable', () => {
      const config = load({
        DB_HOST: 'db.internal',
        DB_PORT: '6432',
        DB_USERNAME: 'agent',
        DB_PASSWORD: 'pw',
        DB_DATABASE: 'agents',
        DB_SSL: 'true',
        DB_POOL_SIZE: '25',
        DB_STATEMENT_TIMEOUT_SECONDS: '0',
      });

      expect(config.database).toEqual({
        kind: 'server',
        url: undefined,
        host: 'db.internal',
        port: 6432,
        username: 'agent',
        password: 'pw',
        database: 'agents',
        ssl: true,
        poolSize: 25,
        statementTimeoutMs: 0,
      });
    });

    it('defaults the host to localhost when only DATABASE_URL is set', () => {
      expect(load({ DATABASE_URL: 'postgres://db.internal/agents' }).database).toMatchObject({ host: 'localhost' });
    });
  });

  describe('invalid values', () => {
    it.each(['abc', '0', '70000', '3.5'])('refuses PORT=%p and names the variable', (port) => {
      const error = configError({ PORT: port });

      expect(error.name).toBe('InvalidConfigError');
      expect(error.message).toMatch(/^Invalid configuration:\n {2}- PORT: /);
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^PORT: /);
    });

    it.each(['mysql://db.internal/agents', 'http://db.internal', 'not a url'])(
      'refuses DATABASE_URL=%p and names the variable',
      (url) => {
        expect(configError({ DATABASE_URL: url }).problems).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
      },
    );

    it.each([
      ['16 bytes', randomBytes(16).toString('base64')],
      ['33 bytes', randomBytes(33).toString('base64')],
      ['hex of 32 bytes', randomBytes(32).toString('hex')],
    ])('refuses an ENCRYPTION_KEY of %s and names the variable', (_label, key) => {
      const error = configError({ ENCRYPTION_KEY: key });

      expect(error.problems).toEqual([
        expect.stringMatching(/^ENCRYPTION_KEY: must be the base64 encoding of 32 bytes/),
      ]);
      expect(error.message).toContain('ENCRYPTION_KEY');
    });

    it('accepts an ENCRYPTION_KEY with surrounding whitespace and uses its 32 bytes', () => {
      const key = randomBytes(32);
      expect(load({ ENCRYPTION_KEY: ` ${key.toString('base64')}\n` }).encryption.key.equals(key)).toBe(true);
    });

    it('names every bad variable at once', () => {
      const error = configError({ PORT: 'x', DB_SSL: 'maybe', LOG_LEVEL: 'loud' });

      expect(error.problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['DB_SSL', 'LOG_LEVEL', 'PORT']);
    });

    it.each([
      ['ACCESS_CACHE_TTL_SECONDS', '-1'],
      ['ACCESS_CACHE_TTL_SECONDS', '3601'],
      ['ACCESS_CACHE_TTL_SECONDS', 'soon'],
      ['ACCESS_CACHE_MAX_ENTRIES', '0'],
      ['ACCESS_CACHE_MAX_ENTRIES', '2.5'],
    ])('refuses %s=%p and names the variable', (name, value) => {
      expect(configError({ [name]: value }).problems).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
    });

    it('keeps the access cache 60 s and 10,000 entries by default; 0 s turns it off', () => {
      expect(load().accessCache).toEqual({ ttlMs: 60_000, maxEntries: 10_000 });
      expect(load({ ACCESS_CACHE_TTL_SECONDS: '0', ACCESS_CACHE_MAX_ENTRIES: '500' }).accessCache).toEqual({
        ttlMs: 0,
        maxEntries: 500,
      });
    });

    it('refuses an unknown NODE_ENV', () => {
      expect(configError({ NODE_ENV: 'staging' }).problems).toEqual([expect.stringMatching(/^NODE_ENV: /)]);
    });

    it('refuses a JWT_SECRET shorter than 32 characters', () => {
      expect(configError({ JWT_SECRET: 'j'.repeat(31) }).problems).toEqual([
        'JWT_SECRET: must be at least 32 characters',
      ]);
    });

    it('refuses a JWT lifetime over one day', () => {
      expect(configError({ JWT_EXPIRES_IN_SECONDS: '86401' }).problems).toEqual([
        expect.stringMatching(/^JWT_EXPIRES_IN_SECONDS: /),
      ]);
    });
  });

  describe('authentication method', () => {
    it('refuses api-key mode without STATIC_API_KEY', () => {
      const error = configError({ AUTHENTICATION_METHOD: 'api-key' });

      expect(error.problems).toEqual(['STATIC_API_KEY: required when AUTHENTICATION_METHOD=api-key']);
      expect(error.message).toContain('STATIC_API_KEY');
    });

    it('refuses a STATIC_API_KEY shorter than 32 characters', () => {
      expect(configError({ AUTHENTICATION_METHOD: 'api-key', STATIC_API_KEY: 'k'.repeat(31) }).problems).toEqual([
        'STATIC_API_KEY: must be at least 32 characters',
      ]);
    });

    it('accepts api-key mode with a long enough STATIC_API_KEY', () => {
      const config = load({ AUTHENTICATION_METHOD: 'api-key', STATIC_API_KEY: 'k'.repeat(32) });

      expect(config.auth).toMatchObject({ method: 'api-key', staticApiKey: 'k'.repeat(32) });
    });

    it('refuses keycloak mode without its server, realm and client, naming each', () => {
      const error = configError({ AUTHENTICATION_METHOD: 'keycloak' });

      expect(error.problems).toEqual([
        'KEYCLOAK_AUTH_SERVER_URL: required when AUTHENTICATION_METHOD=keycloak',
        'KEYCLOAK_REALM: required when AUTHENTICATION_METHOD=keycloak',
        'KEYCLOAK_CLIENT_ID: required when AUTHENTICATION_METHOD=keycloak',
      ]);
    });

    it('refuses an unknown method', () => {
      expect(configError({ AUTHENTICATION_METHOD: 'ldap' }).problems).toEqual([
        expect.stringMatching(/^AUTHENTICATION_METHOD: /),
      ]);
    });
  });

  describe('keycloak mode', () => {
    const keycloak = {
      AUTHENTICATION_METHOD: 'keycloak',
      KEYCLOAK_AUTH_SERVER_URL: 'https://sso.example.com',
      KEYCLOAK_REALM: 'agents',
      KEYCLOAK_CLIENT_ID: 'agent-controller',
    };

    it('validates offline by default, with the documented defaults', () => {
      expect(load(keycloak).auth.keycloak).toEqual({
        issuer: 'https://sso.example.com/realms/agents',
        realm: 'agents',
        clientId: 'agent-controller',
        clientSecret: undefined,
        consoleClientId: 'agent-controller',
        consoleScope: 'openid profile email',
        tokenValidation: 'OFFLINE',
        adminRole: 'admin',
        introspectionCacheSeconds: 30,
        requestTimeoutMs: 5000,
      });
    });

    it('builds the issuer from a base URL with a path and trailing slashes, escaping the realm', () => {
      const config = load({
        ...keycloak,
        KEYCLOAK_AUTH_SERVER_URL: 'https://sso.example.com/auth//',
        KEYCLOAK_REALM: 'team a/b',
      });

      expect(config.auth.keycloak?.issuer).toBe('https://sso.example.com/auth/realms/team%20a%2Fb');
    });

    it.each(['KEYCLOAK_AUTH_SERVER_URL', 'KEYCLOAK_REALM', 'KEYCLOAK_CLIENT_ID'] as const)(
      'refuses to start without %s alone and names it',
      (name) => {
        expect(configError({ ...keycloak, [name]: undefined }).problems).toEqual([
          `${name}: required when AUTHENTICATION_METHOD=keycloak`,
        ]);
      },
    );

    it('refuses ONLINE validation without a client secret', () => {
      expect(configError({ ...keycloak, KEYCLOAK_TOKEN_VALIDATION: 'ONLINE' }).problems).toEqual([
        expect.stringMatching(/^KEYCLOAK_CLIENT_SECRET: required when KEYCLOAK_TOKEN_VALIDATION=ONLINE/),
      ]);
    });

    it('reads every KEYCLOAK_* variable, the validation mode in any case', () => {
      const config = load({
        ...keycloak,
        KEYCLOAK_CLIENT_SECRET: 's3cret',
        KEYCLOAK_TOKEN_VALIDATION: 'online',
        KEYCLOAK_ADMIN_ROLE: 'controller-admin',
        KEYCLOAK_INTROSPECTION_CACHE_SECONDS: '0',
        KEYCLOAK_REQUEST_TIMEOUT_MS: '1500',
        KEYCLOAK_CONSOLE_CLIENT_ID: 'agent-console-spa',
        KEYCLOAK_CONSOLE_SCOPE: '  openid   email roles ',
      });

      expect(config.auth.keycloak).toMatchObject({
        clientSecret: 's3cret',
        consoleClientId: 'agent-console-spa',
        consoleScope: 'openid email roles',
        tokenValidation: 'ONLINE',
        adminRole: 'controller-admin',
        introspectionCacheSeconds: 0,
        requestTimeoutMs: 1500,
      });
    });

    it.each([
      ['KEYCLOAK_TOKEN_VALIDATION', 'SOMETIMES'],
      ['KEYCLOAK_AUTH_SERVER_URL', 'ftp://sso.example.com'],
      ['KEYCLOAK_REALM', '   '],
      ['KEYCLOAK_INTROSPECTION_CACHE_SECONDS', '301'],
      ['KEYCLOAK_REQUEST_TIMEOUT_MS', '0'],
      ['KEYCLOAK_CONSOLE_CLIENT_ID', '  '],
      ['KEYCLOAK_CONSOLE_SCOPE', 'profile email'],
    ])('refuses %s=%p and names the variable', (name, value) => {
      expect(configError({ ...keycloak, [name]: value }).problems).toEqual([expect.stringMatching(`^${name}: `)]);
    });

    it('has no inbound keycloak settings in the other modes', () => {
      expect(load({ ...keycloak, AUTHENTICATION_METHOD: 'users' }).auth.keycloak).toBeUndefined();
    });

    it('does not require JWT_SECRET in production: the controller signs no token in this mode', () => {
      const config = load({ ...keycloak, NODE_ENV: 'production', ENCRYPTION_KEY: key32() });

      expect(config.auth.method).toBe('keycloak');
      expect(existsSync(join(dataDir, 'secrets'))).toBe(false);
    });
  });

  describe('production', () => {
    it('refuses to start without ENCRYPTION_KEY and JWT_SECRET, naming each', () => {
      const error = configError({ NODE_ENV: 'production' });

      expect(error.problems).toHaveLength(2);
      expect(error.problems[0]).toMatch(/^ENCRYPTION_KEY: required in production/);
      expect(error.problems[1]).toMatch(/^JWT_SECRET: required in production/);
      expect(error.message).toContain('ENCRYPTION_KEY');
      expect(error.message).toContain('JWT_SECRET');
    });

    it('refuses to start without ENCRYPTION_KEY alone', () => {
      expect(configError({ NODE_ENV: 'production', JWT_SECRET: jwtSecret }).problems).toEqual([
        expect.stringMatching(/^ENCRYPTION_KEY: /),
      ]);
    });

    it('refuses to start without JWT_SECRET alone', () => {
      expect(configError({ NODE_ENV: 'production', ENCRYPTION_KEY: key32() }).problems).toEqual([
        expect.stringMatching(/^JWT_SECRET: /),
      ]);
    });

    it('does not write local secrets when both are configured', () => {
      const key = randomBytes(32);
      const config = load({ NODE_ENV: 'production', ENCRYPTION_KEY: key.toString('base64'), JWT_SECRET: jwtSecret });

      expect(config.isProduction).toBe(true);
      expect(config.encryption.key.equals(key)).toBe(true);
      expect(config.auth.jwtSecret).toBe(jwtSecret);
      expect(existsSync(join(dataDir, 'secrets'))).toBe(false);
    });

    it('does not require JWT_SECRET in api-key mode', () => {
      const config = load({
        NODE_ENV: 'production',
        ENCRYPTION_KEY: key32(),
        AUTHENTICATION_METHOD: 'api-key',
        STATIC_API_KEY: 'k'.repeat(40),
      });

      expect(config.auth.method).toBe('api-key');
    });
  });

  describe('development secrets', () => {
    const secretsDir = () => join(dataDir, 'secrets');

    it('generates an encryption key and a JWT secret under DATA_DIR/secrets', () => {
      const config = load();

      expect(config.encryption.key).toHaveLength(32);
      expect(
        Buffer.from(readFileSync(join(secretsDir(), 'encryption.key'), 'utf8'), 'base64').equals(config.encryption.key),
      ).toBe(true);
      expect(readFileSync(join(secretsDir(), 'jwt.secret'), 'utf8')).toBe(config.auth.jwtSecret);
      expect(Buffer.from(config.auth.jwtSecret, 'base64')).toHaveLength(48);
    });

    it('creates the secret files readable by the owner only', () => {
      load();

      expect(statSync(join(secretsDir(), 'encryption.key')).mode & 0o777).toBe(0o600);
      expect(statSync(join(secretsDir(), 'jwt.secret')).mode & 0o777).toBe(0o600);
      expect(statSync(secretsDir()).mode & 0o777).toBe(0o700);
    });

    it('returns the same secrets on the next load', () => {
      const first = load();
      const second = load();

      expect(second.encryption.key.equals(first.encryption.key)).toBe(true);
      expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
    });

    it('gives another DATA_DIR other secrets', () => {
      const first = load();
      const otherDir = mkdtempSync(join(tmpdir(), 'agent-controller-config-'));
      try {
        const other = loadAppConfig({ DATA_DIR: otherDir });
        expect(other.encryption.key.equals(first.encryption.key)).toBe(false);
        expect(other.auth.jwtSecret).not.toBe(first.auth.jwtSecret);
      } finally {
        rmSync(otherDir, { recursive: true, force: true });
      }
    });

    it('refuses an empty secret file instead of using an empty secret', () => {
      mkdirSync(secretsDir(), { recursive: true });
      writeFileSync(join(secretsDir(), 'jwt.secret'), '');
      expect(() => load()).toThrow(/jwt\.secret does not hold a secret/);
    });

    it('reads an existing secret file, ignoring a trailing newline', () => {
      const key = randomBytes(32);
      mkdirSync(secretsDir(), { recursive: true });
      writeFileSync(join(secretsDir(), 'encryption.key'), `${key.toString('base64')}\n`);
      writeFileSync(join(secretsDir(), 'jwt.secret'), `${jwtSecret}\n`);

      const config = load();

      expect(config.encryption.key.equals(key)).toBe(true);
      expect(config.auth.jwtSecret).toBe(jwtSecret);
    });

    it('prefers configured values and writes no file for them', () => {
      const key = randomBytes(32);
      const config = load({ ENCRYPTION_KEY: key.toString('base64') });

      expect(config.encryption.key.equals(key)).toBe(true);
      expect(existsSync(join(secretsDir(), 'encryption.key'))).toBe(false);
      // The JWT secret was not configured, so it alone is generated.
      expect(existsSync(join(secretsDir(), 'jwt.secret'))).toBe(true);
    });
  });

  describe('lists', () => {
    it('parses ENCRYPTION_PREVIOUS_KEYS as a comma-separated list of keys', () => {
      const first = randomBytes(32);
      const second = randomBytes(32);
      const config = load({
        ENCRYPTION_KEY: key32(),
        ENCRYPTION_PREVIOUS_KEYS: ` ${first.toString('base64')} ,${second.toString('base64')},`,
      });

      expect(config.encryption.previousKeys).toHaveLength(2);
      expect(config.encryption.previousKeys[0].equals(first)).toBe(true);
      expect(config.encryption.previousKeys[1].equals(second)).toBe(true);
    });

    it('refuses a previous key that is not 32 bytes and names the variable', () => {
      const error = configError({
        ENCRYPTION_PREVIOUS_KEYS: `${key32()},${randomBytes(16).toString('base64')}`,
      });

      expect(error.problems).toEqual([expect.stringMatching(/^ENCRYPTION_PREVIOUS_KEYS\.1: must be the base64/)]);
    });

    it('parses CORS_ORIGIN as a comma-separated list, dropping blanks', () => {
      const config = load({ CORS_ORIGIN: 'https://a.example, https://b.example ,,' });

      expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    });

    it('has no CORS origins for an empty CORS_ORIGIN', () => {
      expect(load({ CORS_ORIGIN: '' }).http.corsOrigins).toEqual([]);
    });

    it('has the environments production, staging and development unless CLIENT_ENVIRONMENTS names others', () => {
      expect(load().clients.environments).toEqual(['production', 'staging', 'development']);
      expect(load({ CLIENT_ENVIRONMENTS: ' prod , eu-test,dev_1,' }).clients.environments).toEqual([
        'prod',
        'eu-test',
        'dev_1',
      ]);
    });

    it.each([
      [',', /must name at least one environment/],
      ['prod,-test', /"-test" must be empty or letters/],
      ['prod,has space', /"has space" must be empty or letters/],
      [`prod,${'x'.repeat(64)}`, /must be at most 63 characters/],
      ['prod,staging,prod', /"prod" is named twice/],
    ])('refuses CLIENT_ENVIRONMENTS=%p and names the variable', (value, message) => {
      expect(configError({ CLIENT_ENVIRONMENTS: value }).problems).toEqual([
        expect.stringMatching(new RegExp(`^CLIENT_ENVIRONMENTS: .*${message.source}`)),
      ]);
    });
  });

  describe('booleans and proxies', () => {
    it.each(['true', 'TRUE', '1', 'yes'])('reads DB_SSL=%p as true', (value) => {
      expect(load({ DB_HOST: 'db', DB_SSL: value }).database).toMatchObject({ ssl: true });
    });

    it.each(['false', '0', 'no'])('reads DB_SSL=%p as false', (value) => {
      expect(load({ DB_HOST: 'db', DB_SSL: value }).database).toMatchObject({ ssl: false });
    });

    it.each(['garbage', 'on'])('refuses DB_SSL=%p and names the variable', (value) => {
      expect(configError({ DB_SSL: value }).problems).toEqual([expect.stringMatching(/^DB_SSL: /)]);
    });

    it.each([
      [undefined, false],
      ['', false],
      ['false', false],
      ['true', true],
      ['2', 2],
      ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
    ])('reads TRUST_PROXY=%p as %p', (value, expected) => {
      expect(load({ TRUST_PROXY: value }).http.trustProxy).toBe(expected);
    });
  });
});
