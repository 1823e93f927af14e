import { AppConfig, runWithRequestContext } from '@agent-controller/core';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { z } from 'zod';
import { AgentManagerClient } from './agent-manager.client';
import { EndpointPolicy } from './endpoint-policy';
import { KeycloakTokenProvider } from './keycloak-token.provider';
import { RemoteCallError } from './remote-call.error';
import { RemoteTarget } from './remote-credentials';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A fake remote agent-manager (and Keycloak) on 127.0.0.1: routes by "METHOD /path". */
class FakeRemote {
  readonly received: Received[] = [];
  readonly routes = new Map<string, Route>();
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const route = this.routes.get(`${req.method} ${req.url}`);
      if (route) route(req, res, body);
      else json(res, 404, { message: `no route ${req.method} ${req.url}` });
    });
  });
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  on(route: string, handler: Route): this {
    this.routes.set(route, handler);
    return this;
  }

  requestsTo(path: string): Received[] {
    return this.received.filter((request) => request.url === path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function configWith(overrides: { allowInternalHosts?: boolean; requestTimeoutMs?: number } = {}): AppConfig {
  const config: Pick<AppConfig, 'clients' | 'remote' | 'keycloak'> = {
    clients: {
      healthIntervalMs: 30_000,
      healthTimeoutMs: 5000,
      healthConcurrency: 10,
      degradedLatencyMs: 2000,
      endpointAllowedHosts: [],
      allowInternalHosts: overrides.allowInternalHosts ?? true,
      environments: ['production'],
    },
    remote: {
      requestTimeoutMs: overrides.requestTimeoutMs ?? 2000,
      longRequestTimeoutMs: 4000,
      clientRateLimitPerMinute: 1000,
    },
    keycloak: {},
  };
  return config as AppConfig;
}

function clientFor(config: AppConfig): { client: AgentManagerClient; tokens: KeycloakTokenProvider } {
  const endpoints = new EndpointPolicy(config);
  const tokens = new KeycloakTokenProvider(endpoints, config);
  return { client: new AgentManagerClient(endpoints, tokens, config), tokens };
}

async function failure(promise: Promise<unknown>): Promise<RemoteCallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RemoteCallError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const API_KEY = 'remote-api-key-0123456789';
const TOKEN_PATH = '/realms/agents/protocol/openid-connect/token';

describe('AgentManagerClient', () => {
  let remote: FakeRemote;
  let client: AgentManagerClient;
  let tokens: KeycloakTokenProvider;
  let apiKeyTarget: RemoteTarget;

  beforeEach(async () => {
    remote = await new FakeRemote().start();
    ({ client, tokens } = clientFor(configWith()));
    apiKeyTarget = { clientId: 'c1', endpoint: remote.url, credentials: { type: 'api_key', apiKey: API_KEY } };
    remote
      .on('GET /api/health', (_req, res) => json(res, 200, { status: 'ok', timestamp: 1 }))
      .on('GET /api/config', (_req, res) =>
        json(res, 200, {
          gitRepositoryUrl: 'https://git.example.com/r.git',
          agentTypes: [{ type: 'c', displayName: 'C' }],
        }),
      );
  });

  afterEach(async () => {
    await remote.close();
  });

  describe('getHealth', () => {
    it('calls GET /api/health without credentials and returns the parsed answer', async () => {
      const result = await client.getHealth(apiKeyTarget);

      expect(result.data).toEqual({ status: 'ok', timestamp: 1 });
      expect(result.status).toBe(200);
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      const [request] = remote.requestsTo('/api/health');
      expect(request.method).toBe('GET');
      expect(request.headers.authorization).toBeUndefined();
    });

    it('keeps the path of an endpoint with a base path', async () => {
      remote.on('GET /agents/api/health', (_req, res) => json(res, 200, { status: 'ok' }));

      await client.getHealth({ ...apiKeyTarget, endpoint: `${remote.url}/agents` });

      expect(remote.received.map((request) => request.url)).toEqual(['/agents/api/health']);
    });

    it('refuses a health answer whose status is not "ok" as incompatible', async () => {
      remote.on('GET /api/health', (_req, res) => json(res, 200, { status: 'starting' }));

      const error = await failure(client.getHealth(apiKeyTarget));

      expect(error.kind).toBe('incompatible');
      expect(error.reason).toContain('GET /api/health answered in an unexpected shape (status:');
    });

    it('refuses an empty 200 body as incompatible, naming the body', async () => {
      remote.on('GET /api/health', (_req, res) => res.writeHead(200).end());

      const error = await failure(client.getHealth(apiKeyTarget));

      expect(error.kind).toBe('incompatible');
      expect(error.reason).toContain('unexpected shape (body:');
    });
  });

  describe('getConfig', () => {
    it('sends the api key as a Bearer token and returns the parsed configuration', async () => {
      const result = await client.getConfig(apiKeyTarget);

      expect(result.data).toEqual({
        gitRepositoryUrl: 'https://git.example.com/r.git',
        agentTypes: [{ type: 'c', displayName: 'C' }],
      });
      expect(remote.requestsTo('/api/config')[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
    });

    it('sends a Keycloak client-credentials token for keycloak clients', async () => {
      remote.on(`POST ${TOKEN_PATH}`, (_req, res) => json(res, 200, { access_token: 'kc-token-1', expires_in: 300 }));
      const target: RemoteTarget = {
        clientId: 'c2',
        endpoint: remote.url,
        credentials: {
          type: 'keycloak',
          clientId: 'kc',
          clientSecret: 's',
          realm: 'agents',
          authServerUrl: remote.url,
        },
      };

      await client.getConfig(target);

      expect(remote.requestsTo(TOKEN_PATH)).toHaveLength(1);
      expect(remote.requestsTo('/api/config')[0].headers.authorization).toBe('Bearer kc-token-1');
    });

    it('drops the cached Keycloak token when the remote refuses it, so the next call fetches a new one', async () => {
      let issued = 0;
      remote.on(`POST ${TOKEN_PATH}`, (_req, res) => json(res, 200, { access_token: `t${++issued}`, expires_in: 300 }));
      remote.on('GET /api/config', (req, res) => {
        if (req.headers.authorization === 'Bearer t1') json(res, 401, { message: 'token revoked' });
        else json(res, 200, { agentTypes: [] });
      });
      const target: RemoteTarget = {
        clientId: 'c3',
        endpoint: remote.url,
        credentials: {
          type: 'keycloak',
          clientId: 'kc',
          clientSecret: 's',
          realm: 'agents',
          authServerUrl: remote.url,
        },
      };

      const error = await failure(client.getConfig(target));
      const retried = await client.getConfig(target);

      expect(error.kind).toBe('auth');
      expect(retried.data.agentTypes).toEqual([]);
      expect(remote.requestsTo(TOKEN_PATH)).toHaveLength(2);
      expect(remote.requestsTo('/api/config').map((request) => request.headers.authorization)).toEqual([
        'Bearer t1',
        'Bearer t2',
      ]);
    });

    it('does not touch the token cache when an api_key client is refused', async () => {
      const forget = jest.spyOn(tokens, 'forget');
      remote.on('GET /api/config', (_req, res) => json(res, 401, {}));

      await failure(client.getConfig(apiKeyTarget));

      expect(forget).not.toHaveBeenCalled();
    });

    it('accepts a configuration without gitRepositoryUrl', async () => {
      remote.on('GET /api/config', (_req, res) => json(res, 200, { agentTypes: [] }));

      await expect(client.getConfig(apiKeyTarget)).resolves.toMatchObject({ data: { agentTypes: [] } });
    });
  });

  describe('request id', () => {
    it('propagates the request id of the current request as x-request-id', async () => {
      await runWithRequestContext({ requestId: 'r1', ip: null }, () => client.getConfig(apiKeyTarget));

      expect(remote.requestsTo('/api/config')[0].headers['x-request-id']).toBe('r1');
    });

    it('sends no x-request-id outside a request', async () => {
      await client.getHealth(apiKeyTarget);

      expect(remote.requestsTo('/api/health')[0].headers['x-request-id']).toBeUndefined();
    });
  });

  describe('error mapping', () => {
    it('maps 401 to kind auth, REMOTE_AUTH_FAILED, HTTP 502, with the remote message', async () => {
      remote.on('GET /api/config', (_req, res) => json(res, 401, { message: 'Invalid API key' }));

      const error = await failure(client.getConfig(apiKeyTarget));

      expect(error).toMatchObject({ kind: 'auth', code: 'REMOTE_AUTH_FAILED', remoteStatus: 401 });
      expect(error.status).toBe(502);
      expect(error.reason).toBe('The remote refused the credentials (HTTP 401: Invalid API key)');
    });

    it.each([
      ['an emoji', 'remote-key-\u{1F511}'],
      ['a non-ASCII letter', 'schlüssel-0123456789'],
      ['a newline', 'remote-key\n0123456789'],
      ['a space', 'remote key 0123456789'],
      ['nothing', ''],
    ])(
      'maps a stored api key with %s to kind auth (HTTP 502) with a plain reason, sending nothing',
      async (_what, apiKey) => {
        const target: RemoteTarget = { ...apiKeyTarget, credentials: { type: 'api_key', apiKey } };

        const error = await failure(client.getConfig(target));

        expect(error).toMatchObject({ kind: 'auth', code: 'REMOTE_AUTH_FAILED', clientId: 'c1' });
        expect(error.status).toBe(502);
        expect(error.reason).toBe(
          'The stored API key cannot be sent in an HTTP header (only visible ASCII characters are allowed): set the key again',
        );
        expect(remote.requestsTo('/api/config')).toEqual([]);
      },
    );

    it('maps 403 to kind auth too', async () => {
      remote.on('GET /api/config', (_req, res) => res.writeHead(403).end());

      const error = await failure(client.getConfig(apiKeyTarget));

      expect(error).toMatchObject({ kind: 'auth', remoteStatus: 403 });
      expect(error.reason).toBe('The remote refused the credentials (HTTP 403)');
    });

    it('maps 500 to kind server_error, REMOTE_ERROR, HTTP 502', async () => {
      remote.on('GET /api/config', (_req, res) => json(res, 500, { message: 'database down' }));

      const error = await failure(client.getConfig(apiKeyTarget));

      expect(error).toMatchObject({ kind: 'server_error', code: 'REMOTE_ERROR', remoteStatus: 500 });
      expect(error.status).toBe(502);
      expect(error.reason).toBe('The remote failed (HTTP 500: database down)');
    });

    it('maps 503 with a non-JSON body to server_error without a message', async () => {
      remote.on('GET /api/health', (_req, res) => res.writeHead(503).end('<html>busy</html>'));

      const error = await failure(client.getHealth(apiKeyTarget));

      expect(error.kind).toBe('server_error');
      expect(error.reason).toBe('The remote failed (HTTP 503)');
    });

    it('does not follow a redirect and reports it as incompatible', async () => {
      remote.on('GET /api/config', (_req, res) => res.writeHead(302, { location: '/login' }).end());

      const error = await failure(client.getConfig(apiKeyTarget));

      expect(error).toMatchObject({ kind: 'incompatible', code: 'REMOTE_INCOMPATIBLE', remoteStatus: 302 });
      expect(error.reason).toContain('redirects are not followed');
      expect(remote.received.map((request) => request.url)).toEqual(['/api/config']);
    });

    it('passes any other 4xx on with its own status and the remote message (arrays joined)', async () => {
      remote.on('POST /api/things', (_req, res) => json(res, 422, { message: ['name is required', 'port too big'] }));

      const error = await failure(client.send(apiKeyTarget, 'POST', '/api/things', { body: {} }));

      expect(error).toMatchObject({ kind: 'rejected', code: 'REMOTE_REJECTED', remoteStatus: 422, status: 422 });
      expect(error.reason).toBe('name is required; port too big');
    });

    it('reports a 4xx without a message by its status', async () => {
      remote.on('GET /api/config', (_req, res) => res.writeHead(404).end());

      const error = await failure(client.getConfig(apiKeyTarget));

      expect(error.reason).toBe('The remote answered HTTP 404');
    });

    it('refuses a 200 whose body is not JSON as incompatible', async () => {
      remote.on('GET /api/config', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html/>'));

      const error = await failure(client.getConfig(apiKeyTarget));

      expect(error.kind).toBe('incompatible');
      expect(error.reason).toBe('GET /api/config answered 200 with a body that is not JSON');
    });

    it('refuses a 200 of the wrong shape as incompatible, naming the path of the first problem', async () => {
      remote.on('GET /api/config', (_req, res) => json(res, 200, { agentTypes: [{ type: '', displayName: 'X' }] }));

      const error = await failure(client.getConfig(apiKeyTarget));

      expect(error.kind).toBe('incompatible');
      expect(error.code).toBe('REMOTE_INCOMPATIBLE');
      expect(error.reason).toMatch(/^GET \/api\/config answered in an unexpected shape \(agentTypes\.0\.type: .+\)$/);
    });

    it('maps a remote that does not answer in time to REMOTE_TIMEOUT (HTTP 504)', async () => {
      remote.on('GET /api/config', () => undefined);

      const error = await failure(client.getConfig(apiKeyTarget, 100));

      expect(error).toMatchObject({ kind: 'timeout', code: 'REMOTE_TIMEOUT' });
      expect(error.status).toBe(504);
      expect(error.reason).toBe('No answer within 100 ms');
    });

    it('uses REMOTE_REQUEST_TIMEOUT when the caller gives no time limit', async () => {
      ({ client } = clientFor(configWith({ requestTimeoutMs: 120 })));
      remote.on('GET /api/config', () => undefined);

      const error = await failure(client.getConfig(apiKeyTarget));

      expect(error.reason).toBe('No answer within 120 ms');
    });

    it('refuses an internal endpoint as blocked without sending anything when internal hosts are not allowed', async () => {
      ({ client } = clientFor(configWith({ allowInternalHosts: false })));

      const error = await failure(client.getHealth(apiKeyTarget));

      expect(error).toMatchObject({ kind: 'blocked', code: 'ENDPOINT_NOT_ALLOWED' });
      expect(remote.received).toHaveLength(0);
    });
  });

  describe('naming the client', () => {
    it.each<[string, (client: AgentManagerClient, target: RemoteTarget) => Promise<unknown>, string]>([
      [
        'a remote 5xx',
        (client, target) => {
          remote.on('GET /api/config', (_req, res) => json(res, 503, { message: 'busy' }));
          return client.getConfig(target);
        },
        'server_error',
      ],
      ["the remote's 4xx", (client, target) => client.send(target, 'GET', '/api/agents/missing'), 'rejected'],
      [
        'no answer in time',
        (client, target) => {
          remote.on('GET /api/config', () => undefined);
          return client.getConfig(target, 50);
        },
        'timeout',
      ],
      [
        'a body of the wrong shape',
        (client, target) => {
          remote.on('GET /api/config', (_req, res) => json(res, 200, { agentTypes: 'none' }));
          return client.getConfig(target);
        },
        'incompatible',
      ],
      [
        'a body that is not JSON',
        (client, target) => {
          remote.on('GET /api/config', (_req, res) => res.writeHead(200).end('<html/>'));
          return client.getConfig(target);
        },
        'incompatible',
      ],
      [
        'a blocked endpoint',
        (_client, target) => clientFor(configWith({ allowInternalHosts: false })).client.getHealth(target),
        'blocked',
      ],
    ])('names the client in the details of %s', async (_case, run, kind) => {
      const error = await failure(run(client, apiKeyTarget));

      expect(error.kind).toBe(kind);
      expect(error.details).toMatchObject({ kind, clientId: 'c1' });
    });

    it('names the client of a refused connection', async () => {
      await remote.close();

      const error = await failure(client.getHealth(apiKeyTarget));

      expect(error).toMatchObject({ kind: 'refused', code: 'REMOTE_UNREACHABLE', clientId: 'c1' });
      expect(error.details).toEqual({ kind: 'refused', clientId: 'c1' });
    });
  });

  describe('call', () => {
    it('treats any 2xx as success, an empty body as null, and sends a JSON body', async () => {
      remote.on('POST /api/agents/a1/stop', (_req, res) => res.writeHead(204).end());

      const result = await client.call(apiKeyTarget, 'POST', '/api/agents/a1/stop', z.null(), {
        body: { force: true },
      });

      expect(result).toMatchObject({ data: null, status: 204 });
      const [request] = remote.requestsTo('/api/agents/a1/stop');
      expect(request.body).toBe('{"force":true}');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    });
  });
});
