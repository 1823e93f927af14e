import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, isIP } from 'node:net';
import { hostname } from 'node:os';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningController, startController } from '../support/controller-process';
import { expectErrorBody } from '../support/error-body';

const REMOTE_KEY = 'ssrf-remote-key-0123456789';

/** A local HTTP server that records every request it gets and answers with `respond`. */
interface Recorder {
  port: number;
  /** `host:port` for a URL (IPv6 addresses bracketed). */
  authority: string;
  requests: string[];
  close(): Promise<void>;
}

async function startRecorder(
  host: string,
  respond: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(404).end(),
): Promise<Recorder> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    respond(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    authority: `${isIP(host) === 6 ? `[${host}]` : host}:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A host NAME (not "localhost") that resolves only to internal addresses on a stock Debian/Ubuntu machine:
 * the machine's own name (127.0.1.1 in a default /etc/hosts, the container address in Docker), else the
 * IPv6 loopback names of a default /etc/hosts.
 */
async function nameResolvingInside(): Promise<{ name: string; address: string }> {
  const internal = /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|f[cd])/;
  for (const name of [hostname(), 'ip6-localhost', 'ip6-loopback']) {
    const addresses = await lookup(name, { all: true, verbatim: true }).catch(() => []);
    if (addresses.length > 0 && addresses.every((entry) => internal.test(entry.address))) {
      return { name, address: addresses[0].address };
    }
  }
  throw new Error(`No host name on this machine resolves to an internal address (tried ${hostname()}, ip6-localhost)`);
}

/**
 * SSRF defences against a real controller process: in production config, endpoints and Keycloak servers that
 * point inside are refused when saved (400 ENDPOINT_NOT_ALLOWED naming `endpoint` or `keycloakAuthServerUrl`,
 * a name that resolves inside included),
 * without a single request reaching the internal target; in any config, redirects are not followed.
 */
describe('SSRF: where a client endpoint may point', () => {
  let production: RunningController;
  let development: RunningController;
  let prodApi: Api;
  let devApi: Api;
  let prodAdmin: string;
  let devAdmin: string;
  /** Listens on 127.0.0.1: the target of the loopback endpoints, which must never receive a request. */
  let loopbackTrap: Recorder;

  beforeAll(async () => {
    loopbackTrap = await startRecorder('127.0.0.1');
    [production, development] = await Promise.all([
      startController({
        env: {
          NODE_ENV: 'production',
          ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          JWT_SECRET: randomBytes(32).toString('hex'),
          CLIENT_HEALTH_INTERVAL: '86400',
          CLIENT_HEALTH_TIMEOUT_MS: '300',
        },
      }),
      startController({ env: { NODE_ENV: 'development', CLIENT_HEALTH_INTERVAL: '86400' } }),
    ]);
    prodApi = new Api(production.baseUrl);
    devApi = new Api(development.baseUrl);
    [prodAdmin, devAdmin] = await Promise.all([
      setUpFirstAdmin(prodApi, production.setupToken()),
      setUpFirstAdmin(devApi, development.setupToken()),
    ]);
  });

  afterAll(async () => {
    await Promise.all([production?.stop(), development?.stop(), loopbackTrap?.close()]);
  });

  const clientBody = (endpoint: string, name = `client ${randomBytes(4).toString('hex')}`) => ({
    name,
    endpoint,
    authenticationType: 'api_key',
    apiKey: REMOTE_KEY,
  });

  describe('in production', () => {
    const internalEndpoints = (port: number) => [
      `http://127.0.0.1:${port}`,
      'http://10.0.0.5',
      'http://192.168.1.1',
      'http://172.16.0.1',
      'http://100.64.0.1',
      'http://169.254.169.254/latest/meta-data',
      `http://0.0.0.0:${port}`,
      `http://[::1]:${port}`,
      `http://[::ffff:127.0.0.1]:${port}`,
      'http://[::ffff:7f00:1]',
      `http://localhost:${port}`,
      // Other spellings of the same targets.
      `http://LOCALHOST.:${port}`,
      'http://agents.localhost',
      `http://127.1:${port}`,
      `http://2130706433:${port}`,
      'http://0x7f.1',
      'http://[::]',
      'http://[fd00::1]',
      'http://[fe80::1]',
    ];

    it('refuses internal endpoints on create and update with 400 ENDPOINT_NOT_ALLOWED on `endpoint`', async () => {
      // A public address (TEST-NET-3): accepted when saved; nothing answers it, so it is just unreachable.
      const publicClient = await prodApi.post('/api/clients', clientBody('http://203.0.113.10'), { token: prodAdmin });
      expect(publicClient.status).toBe(201);
      const id = publicClient.body.id;

      for (const endpoint of internalEndpoints(loopbackTrap.port)) {
        const created = await prodApi.post('/api/clients', clientBody(endpoint), { token: prodAdmin });
        const updated = await prodApi.post(`/api/clients/${id}`, { endpoint }, { token: prodAdmin });
        for (const [operation, response] of [
          ['create', created],
          ['update', updated],
        ] as const) {
          // Name the endpoint and operation in a failure, then check the full error body.
          expect({ endpoint, operation, status: response.status, code: response.body?.code }).toEqual({
            endpoint,
            operation,
            status: 400,
            code: 'ENDPOINT_NOT_ALLOWED',
          });
          expectErrorBody(response, {
            status: 400,
            code: 'ENDPOINT_NOT_ALLOWED',
            field: { name: 'endpoint', location: 'body', message: expect.stringMatching(/internal|not allowed/) },
          });
        }
      }

      // Nothing was stored: one client, still on its public endpoint; nothing reached the loopback target.
      const list = await prodApi.get('/api/clients', { token: prodAdmin });
      expect(list.body).toEqual([expect.objectContaining({ id, endpoint: 'http://203.0.113.10' })]);
      expect(loopbackTrap.requests).toEqual([]);
    });

    it('refuses an internal Keycloak server (keycloakAuthServerUrl) on create and update, like an endpoint', async () => {
      const keycloakBody = (keycloakAuthServerUrl: string) => ({
        name: `keycloak ${randomBytes(4).toString('hex')}`,
        endpoint: 'http://203.0.113.10',
        authenticationType: 'keycloak',
        keycloakClientId: 'agent-controller',
        keycloakClientSecret: 'kc-secret',
        keycloakRealm: 'agents',
        keycloakAuthServerUrl,
      });
      const publicClient = await prodApi.post('/api/clients', keycloakBody('https://203.0.113.20/auth/'), {
        token: prodAdmin,
      });
      expect(publicClient.status).toBe(201);
      expect(publicClient.body.keycloakAuthServerUrl).toBe('https://203.0.113.20/auth');
      const id = publicClient.body.id;
      try {
        for (const url of internalEndpoints(loopbackTrap.port)) {
          const created = await prodApi.post('/api/clients', keycloakBody(url), { token: prodAdmin });
          const updated = await prodApi.post(
            `/api/clients/${id}`,
            { keycloakAuthServerUrl: url },
            { token: prodAdmin },
          );
          for (const [operation, response] of [
            ['create', created],
            ['update', updated],
          ] as const) {
            expect({ url, operation, status: response.status, code: response.body?.code }).toEqual({
              url,
              operation,
              status: 400,
              code: 'ENDPOINT_NOT_ALLOWED',
            });
            expectErrorBody(response, {
              status: 400,
              code: 'ENDPOINT_NOT_ALLOWED',
              field: { name: 'keycloakAuthServerUrl', location: 'body', message: expect.stringMatching(/internal/) },
            });
          }
        }
        // A provisioning request would end in such a client: refused before any server is bought.
        const provision = await prodApi.post(
          '/api/clients/provisioning/provision',
          {
            ...keycloakBody('http://169.254.169.254'),
            endpoint: undefined,
            providerType: 'hetzner',
            serverType: 'cx23',
          },
          { token: prodAdmin },
        );
        expectErrorBody(provision, {
          status: 400,
          code: 'ENDPOINT_NOT_ALLOWED',
          field: { name: 'keycloakAuthServerUrl', location: 'body', message: expect.stringMatching(/internal/) },
        });
        const list = await prodApi.get('/api/clients?search=keycloak', { token: prodAdmin });
        expect(list.body).toEqual([
          expect.objectContaining({ id, keycloakAuthServerUrl: 'https://203.0.113.20/auth' }),
        ]);
        expect(loopbackTrap.requests).toEqual([]);
      } finally {
        await prodApi.delete(`/api/clients/${id}`, { token: prodAdmin });
      }
    });

    it('a host name that resolves to an internal address is refused when saved, and never called', async () => {
      const { name, address } = await nameResolvingInside();
      const trap = await startRecorder(address);
      try {
        const endpoint = `http://${name}:${trap.port}`;
        const created = await prodApi.post('/api/clients', clientBody(endpoint), { token: prodAdmin });
        expectErrorBody(created, { status: 400, code: 'ENDPOINT_NOT_ALLOWED' });
        expect(created.body.details.fields).toEqual([
          {
            field: 'endpoint',
            location: 'body',
            message: `host ${name.toLowerCase()} resolves to the internal address ${address}`,
          },
        ]);
        expect(trap.requests).toEqual([]);
      } finally {
        await trap.close();
      }
    });
  });

  describe('in development (internal hosts allowed)', () => {
    it('does not follow a redirect: 502 REMOTE_INCOMPATIBLE, and the redirect target gets no request', async () => {
      // The target would answer a valid (empty) agents list, so a followed redirect would succeed.
      const target = await startRecorder('127.0.0.1', (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('[]'),
      );
      const redirector = await startRecorder('127.0.0.1', (req, res) =>
        res.writeHead(302, { location: `http://${target.authority}${req.url}` }).end(),
      );
      try {
        const created = await devApi.post('/api/clients', clientBody(`http://${redirector.authority}`), {
          token: devAdmin,
        });
        expect(created.status).toBe(201);
        expect(created.body.health).toMatchObject({
          state: 'incompatible',
          reason: expect.stringContaining('redirects are not followed'),
        });

        const proxied = await devApi.get(`/api/clients/${created.body.id}/agents`, { token: devAdmin });
        expectErrorBody(proxied, { status: 502, code: 'REMOTE_INCOMPATIBLE' });
        expect(proxied.body.message).toMatch(/redirected \(HTTP 302\); redirects are not followed/);
        expect(proxied.body.details).toMatchObject({ clientId: created.body.id, remoteStatus: 302 });

        expect(redirector.requests).toEqual(['GET /api/health', expect.stringMatching(/^GET \/api\/agents(\?|$)/)]);
        expect(target.requests).toEqual([]);
      } finally {
        await Promise.all([redirector.close(), target.close()]);
      }
    });
  });
});
