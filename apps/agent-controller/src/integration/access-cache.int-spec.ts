import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { currentRequestContext, requestIdMiddleware } from '@agent-controller/core';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { DataSource } from 'typeorm';

const backend = process.env['TEST_DATABASE_URL'] ? 'PostgreSQL server' : 'embedded PGlite';
const JWT_SECRET = randomBytes(32).toString('base64');

/** The remote agent-manager, faked at the boundary: an empty agent list, and `{}` for anything else. */
function startRemote(): Promise<Server> {
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(request.url?.startsWith('/api/agents') ? '[]' : '{}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * The whole controller in this process, on real HTTP and a real database, with every SQL statement counted per
 * request (by the request id the pipeline gives it): a warm proxied request must make none.
 */
describe(`a warm proxied request (${backend})`, () => {
  let database: TestDatabase;
  let remote: Server;
  let app: INestApplication;
  let baseUrl: string;
  let clientId: string;
  let membershipId: string;
  let admin: string;
  let member: string;
  let memberId: string;
  const queriesByRequest = new Map<string, number>();
  const saved = { ...process.env };

  /** A request, and how many SQL statements the controller ran for it. */
  async function call(method: string, path: string, token: string, body?: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const requestId = response.headers.get('x-request-id') ?? '';
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
      queries: queriesByRequest.get(requestId) ?? 0,
    };
  }

  before(async () => {
    database = await createTestDatabase();
    remote = await startRemote();
    Object.assign(process.env, database.env, {
      NODE_ENV: 'test',
      AUTHENTICATION_METHOD: 'users',
      JWT_SECRET,
      LOG_LEVEL: 'silent',
      CLIENT_HEALTH_INTERVAL: '3600',
    });
    delete process.env['REDIS_URL'];
    // Loaded after the environment is set: the configuration is read when the module is created.
    const { AppModule } = await import('../app/app.module');
    app = await NestFactory.create(AppModule, { logger: false, bodyParser: true });
    app.setGlobalPrefix('api', { exclude: ['metrics'] });
    app.use(requestIdMiddleware);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    const dataSource = app.get(DataSource);
    const runner = dataSource.createQueryRunner();
    const prototype = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
    await runner.release();
    const query = prototype.query;
    prototype.query = function (this: unknown, ...args: unknown[]) {
      const requestId = currentRequestContext()?.requestId;
      if (requestId) queriesByRequest.set(requestId, (queriesByRequest.get(requestId) ?? 0) + 1);
      return query.apply(this, args);
    };

    const users: Array<{ id: string }> = await dataSource.query(
      `INSERT INTO users (email, role) VALUES ('admin@example.com', 'admin'), ('member@example.com', 'user') RETURNING id`,
    );
    const jwt = new JwtService({ secret: JWT_SECRET });
    const tokenFor = (sub: string) => jwt.sign({ sub, ver: 0 }, { issuer: 'agent-controller', expiresIn: 600 });
    [admin, member] = users.map((user) => tokenFor(user.id));
    memberId = users[1].id;
    const { port } = remote.address() as AddressInfo;
    const created = await call('POST', '/api/clients', admin, {
      name: 'cached',
      endpoint: `http://127.0.0.1:${port}`,
      authenticationType: 'api_key',
      apiKey: 'remote-key-0123456789abcdef',
      agentWsPort: port,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    clientId = created.body.id;
    const added = await call('POST', `/api/clients/${clientId}/users`, admin, {
      email: 'member@example.com',
      role: 'user',
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    membershipId = added.body.id;
  });

  after(async () => {
    await app?.close();
    await new Promise((resolve) => remote?.close(resolve));
    await database?.drop();
    process.env = saved;
  });

  it('reads the user, the client and the membership once, then nothing', async () => {
    const cold = await call('GET', `/api/clients/${clientId}/agents`, member);
    assert.equal(cold.status, 200);
    assert.ok(cold.queries >= 2, `the first request reads the user and the client (${cold.queries} statements)`);

    for (let round = 0; round < 5; round++) {
      const warm = await call('GET', `/api/clients/${clientId}/agents`, member);
      assert.deepEqual(
        { status: warm.status, body: warm.body, queries: warm.queries },
        { status: 200, body: [], queries: 0 },
      );
    }
  });

  it('refuses a removed member on the next request, and a locked user on the one after their lock', async () => {
    assert.equal((await call('GET', `/api/clients/${clientId}/agents`, member)).status, 200);

    assert.equal((await call('DELETE', `/api/clients/${clientId}/users/${membershipId}`, admin)).status, 204);
    const removed = await call('GET', `/api/clients/${clientId}/agents`, member);
    assert.deepEqual({ status: removed.status, code: removed.body.code }, { status: 404, code: 'NOT_FOUND' });

    assert.equal((await call('POST', `/api/users/${memberId}/lock`, admin)).status, 200);
    const locked = await call('GET', '/api/auth/me', member);
    assert.equal(locked.body.code, 'ACCOUNT_LOCKED');
  });
});
