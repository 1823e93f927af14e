import { AppConfig } from '@agent-controller/core';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { EndpointPolicy } from './endpoint-policy';
import { KeycloakTokenProvider } from './keycloak-token.provider';
import { RemoteCallError } from './remote-call.error';
import { RemoteCredentials } from './remote-credentials';

type KeycloakCredentials = Extract<RemoteCredentials, { type: 'keycloak' }>;

interface TokenRequest {
  url: string;
  contentType: string | undefined;
  form: Record<string, string>;
}

/** A fake Keycloak: answers token requests with `answer`, after `delayMs`. */
class FakeKeycloak {
  readonly requests: TokenRequest[] = [];
  answer: (res: ServerResponse, request: TokenRequest) => void = (res) =>
    json(res, 200, { access_token: `token-${this.requests.length}`, expires_in: 300 });
  delayMs = 0;
  port = 0;
  private readonly server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: TokenRequest = {
        url: `${req.method} ${req.url}`,
        contentType: req.headers['content-type'],
        form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
      };
      this.requests.push(request);
      setTimeout(() => this.answer(res, request), this.delayMs);
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
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

function providerWith(options: { authServerUrl?: string; allowInternalHosts?: boolean } = {}): KeycloakTokenProvider {
  const config: Pick<AppConfig, 'clients' | 'remote' | 'keycloak'> = {
    clients: {
      healthIntervalMs: 30_000,
      healthTimeoutMs: 5000,
      healthConcurrency: 10,
      degradedLatencyMs: 2000,
      endpointAllowedHosts: [],
      allowInternalHosts: options.allowInternalHosts ?? true,
      environments: ['production'],
    },
    remote: { requestTimeoutMs: 2000, longRequestTimeoutMs: 4000, clientRateLimitPerMinute: 1000 },
    keycloak: { authServerUrl: options.authServerUrl },
  };
  return new KeycloakTokenProvider(new EndpointPolicy(config as AppConfig), config as AppConfig);
}

async function failure(promise: Promise<unknown>): Promise<RemoteCallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RemoteCallError) return error;
    throw error;
  }
  throw new Error('expected getToken to fail');
}

const TOKEN_ROUTE = 'POST /realms/r/protocol/openid-connect/token';

describe('KeycloakTokenProvider', () => {
  let keycloak: FakeKeycloak;
  let provider: KeycloakTokenProvider;
  let credentials: KeycloakCredentials;

  beforeEach(async () => {
    keycloak = await new FakeKeycloak().start();
    provider = providerWith();
    credentials = {
      type: 'keycloak',
      clientId: 'agent-controller',
      clientSecret: 'secret-1',
      realm: 'r',
      authServerUrl: keycloak.url,
    };
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await keycloak.close();
  });

  describe('the token request', () => {
    it('posts a client_credentials form with the client id and secret to the realm token endpoint', async () => {
      const token = await provider.getToken('c1', credentials);

      expect(token).toBe('token-1');
      expect(keycloak.requests).toEqual([
        {
          url: TOKEN_ROUTE,
          contentType: 'application/x-www-form-urlencoded',
          form: { grant_type: 'client_credentials', client_id: 'agent-controller', client_secret: 'secret-1' },
        },
      ]);
    });

    it('encodes form values and the realm', async () => {
      await provider.getToken('c1', { ...credentials, clientSecret: 'a&b=c+d %', realm: 'my realm/x' });

      expect(keycloak.requests[0].url).toBe('POST /realms/my%20realm%2Fx/protocol/openid-connect/token');
      expect(keycloak.requests[0].form['client_secret']).toBe('a&b=c+d %');
    });

    it('keeps a base path of the server URL and drops its trailing slashes', async () => {
      await provider.getToken('c1', { ...credentials, authServerUrl: `${keycloak.url}/auth//` });

      expect(keycloak.requests[0].url).toBe('POST /auth/realms/r/protocol/openid-connect/token');
    });

    it('falls back to KEYCLOAK_AUTH_SERVER_URL when the client names no server', async () => {
      provider = providerWith({ authServerUrl: keycloak.url });

      await expect(provider.getToken('c1', { ...credentials, authServerUrl: null })).resolves.toBe('token-1');
      expect(keycloak.requests).toHaveLength(1);
    });

    it('refuses with kind auth, naming KEYCLOAK_AUTH_SERVER_URL, when no server URL is known at all', async () => {
      const error = await failure(provider.getToken('c1', { ...credentials, authServerUrl: null }));

      expect(error.kind).toBe('auth');
      expect(error.code).toBe('REMOTE_AUTH_FAILED');
      expect(error.reason).toContain('KEYCLOAK_AUTH_SERVER_URL');
      expect(keycloak.requests).toHaveLength(0);
    });

    it('applies the endpoint policy to the Keycloak server too', async () => {
      provider = providerWith({ allowInternalHosts: false });

      const error = await failure(provider.getToken('c1', credentials));

      expect(error.kind).toBe('blocked');
      expect(keycloak.requests).toHaveLength(0);
    });
  });

  describe('caching', () => {
    it('answers a second call from the cache', async () => {
      const first = await provider.getToken('c1', credentials);
      const second = await provider.getToken('c1', credentials);

      expect(second).toBe(first);
      expect(keycloak.requests).toHaveLength(1);
    });

    it('makes exactly one request for five concurrent callers', async () => {
      keycloak.delayMs = 50;

      const tokens = await Promise.all(Array.from({ length: 5 }, () => provider.getToken('c1', credentials)));

      expect(tokens).toEqual(Array(5).fill('token-1'));
      expect(keycloak.requests).toHaveLength(1);
    });

    it('fetches a new token after forget', async () => {
      await provider.getToken('c1', credentials);
      provider.forget('c1');

      await expect(provider.getToken('c1', credentials)).resolves.toBe('token-2');
      expect(keycloak.requests).toHaveLength(2);
    });

    it('forgets only the named client', async () => {
      await provider.getToken('c1', credentials);
      await provider.getToken('c2', credentials);
      provider.forget('c1');

      await expect(provider.getToken('c2', credentials)).resolves.toBe('token-2');
      expect(keycloak.requests).toHaveLength(2);
    });

    it('keys the cache by client: two clients with the same credentials fetch separately', async () => {
      await expect(provider.getToken('c1', credentials)).resolves.toBe('token-1');
      await expect(provider.getToken('c2', credentials)).resolves.toBe('token-2');
    });

    it.each<[string, Partial<KeycloakCredentials>]>([
      ['secret', { clientSecret: 'secret-2' }],
      ['client id', { clientId: 'other-client' }],
      ['realm', { realm: 'r2' }],
    ])('fetches a new token when the %s changes', async (_what, change) => {
      keycloak.answer = (res, request) =>
        json(res, 200, {
          access_token: `${request.form['client_secret']}-${keycloak.requests.length}`,
          expires_in: 300,
        });

      await provider.getToken('c1', credentials);
      const changed = await provider.getToken('c1', { ...credentials, ...change });

      expect(keycloak.requests).toHaveLength(2);
      expect(changed).toMatch(/-2$/);
    });

    it('drops the token of the old credentials once the new ones have one', async () => {
      await provider.getToken('c1', credentials);
      await provider.getToken('c1', { ...credentials, clientSecret: 'secret-2' });

      await provider.getToken('c1', credentials);

      expect(keycloak.requests).toHaveLength(3);
    });

    it('renews 30 s before expiry', async () => {
      let now = 1_000_000;
      jest.spyOn(Date, 'now').mockImplementation(() => now);

      await provider.getToken('c1', credentials);
      now += 269_000;
      await provider.getToken('c1', credentials);
      expect(keycloak.requests).toHaveLength(1);

      now += 2000;
      await expect(provider.getToken('c1', credentials)).resolves.toBe('token-2');
      expect(keycloak.requests).toHaveLength(2);
    });

    it('keeps a short-lived token for half its life when the 30 s margin would leave less', async () => {
      keycloak.answer = (res) => json(res, 200, { access_token: `t${keycloak.requests.length}`, expires_in: 31 });
      let now = 1_000_000;
      jest.spyOn(Date, 'now').mockImplementation(() => now);

      await provider.getToken('c1', credentials);
      now += 15_000;
      await expect(provider.getToken('c1', credentials)).resolves.toBe('t1');

      now += 1000;
      await expect(provider.getToken('c1', credentials)).resolves.toBe('t2');
    });

    it('does not cache a failure: the next call asks again', async () => {
      keycloak.answer = (res) => json(res, 503, {});
      await failure(provider.getToken('c1', credentials));

      keycloak.answer = (res) => json(res, 200, { access_token: 'recovered', expires_in: 300 });
      await expect(provider.getToken('c1', credentials)).resolves.toBe('recovered');
      expect(keycloak.requests).toHaveLength(2);
    });

    it('gives every concurrent caller the failure of the one request', async () => {
      keycloak.delayMs = 30;
      keycloak.answer = (res) => json(res, 401, { error: 'unauthorized_client' });

      const results = await Promise.allSettled(Array.from({ length: 3 }, () => provider.getToken('c1', credentials)));

      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(keycloak.requests).toHaveLength(1);
    });
  });

  describe('failures', () => {
    it('reports a 401 from Keycloak as kind auth with the status', async () => {
      keycloak.answer = (res) => json(res, 401, { error: 'unauthorized_client' });

      const error = await failure(provider.getToken('c1', credentials));

      expect(error).toMatchObject({ kind: 'auth', code: 'REMOTE_AUTH_FAILED', remoteStatus: 401 });
      expect(error.reason).toBe('Keycloak refused the client credentials (HTTP 401)');
    });

    it.each([
      ['not JSON', 'Bad Gateway'],
      ['no access_token', JSON.stringify({ expires_in: 300 })],
      ['an empty access_token', JSON.stringify({ access_token: '', expires_in: 300 })],
      [
        'an access_token a header cannot carry',
        JSON.stringify({ access_token: 'tok\u00e9n \u{1F511}', expires_in: 300 }),
      ],
      ['an access_token with a newline', JSON.stringify({ access_token: 'token\r\nX-Injected: 1', expires_in: 300 })],
      ['no expires_in', JSON.stringify({ access_token: 't' })],
      ['expires_in 0', JSON.stringify({ access_token: 't', expires_in: 0 })],
    ])('reports a 200 with %s as kind auth', async (_what, body) => {
      keycloak.answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);

      const error = await failure(provider.getToken('c1', credentials));

      expect(error.kind).toBe('auth');
      expect(error.reason).toBe('Keycloak answered without a usable access token');
    });

    it('reports an unreachable Keycloak as kind auth with the network reason', async () => {
      const port = keycloak.port;
      await keycloak.close();

      const error = await failure(
        provider.getToken('c1', { ...credentials, authServerUrl: `http://127.0.0.1:${port}` }),
      );

      expect(error.kind).toBe('auth');
      expect(error.reason).toBe('Keycloak token request failed: Connection refused');
      keycloak = await new FakeKeycloak().start();
    });
  });
});
