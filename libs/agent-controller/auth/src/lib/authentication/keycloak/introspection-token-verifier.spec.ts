import { Logger } from '@nestjs/common';
import { DomainError, KeycloakAuthConfig } from '@agent-controller/core';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { IntrospectionTokenVerifier } from './introspection-token-verifier';

const ACTIVE_TOKEN = 'active-token';
const SECRET = 'a&b=c+d %';

/** A realm's introspection endpoint: records the forms it receives; answers what the test sets. */
class FakeIntrospection {
  forms: Array<Record<string, string>> = [];
  status = 200;
  body: unknown = {};
  stallMs = 0;
  url = '';
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        this.forms.push({
          path: request.url ?? '',
          contentType: request.headers['content-type'] ?? '',
          ...Object.fromEntries(new URLSearchParams(text)),
        });
        setTimeout(() => {
          response.writeHead(this.status, { 'content-type': 'application/json' });
          response.end(typeof this.body === 'string' ? this.body : JSON.stringify(this.body));
        }, this.stallMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('IntrospectionTokenVerifier', () => {
  const keycloak = new FakeIntrospection();
  let now: number;
  let settings: KeycloakAuthConfig;

  const active = (extra: Record<string, unknown> = {}) => ({
    active: true,
    iss: settings.issuer,
    sub: 'subject-1',
    client_id: 'agent-controller',
    azp: 'agent-controller',
    aud: 'account',
    typ: 'Bearer',
    token_type: 'Bearer',
    exp: Math.floor(now / 1000) + 300,
    email: 'alice@example.com',
    email_verified: true,
    realm_access: { roles: ['admin'] },
    ...extra,
  });

  const verifierWith = (overrides: Partial<KeycloakAuthConfig> = {}) =>
    new IntrospectionTokenVerifier({ ...settings, ...overrides }, () => now);

  async function refusal(work: Promise<unknown>): Promise<DomainError> {
    try {
      await work;
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected a refusal');
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await keycloak.start();
  });

  afterAll(() => keycloak.stop());

  beforeEach(() => {
    now = Date.now();
    settings = {
      issuer: `${keycloak.url}/realms/agents`,
      realm: 'agents',
      clientId: 'agent-controller',
      consoleClientId: 'agent-console-spa',
      consoleScope: 'openid profile email',
      clientSecret: SECRET,
      tokenValidation: 'ONLINE',
      adminRole: 'admin',
      introspectionCacheSeconds: 30,
      requestTimeoutMs: 500,
    };
    keycloak.forms = [];
    keycloak.status = 200;
    keycloak.body = active();
    keycloak.stallMs = 0;
  });

  it("accepts an active token and reads the identity from Keycloak's answer", async () => {
    await expect(verifierWith().verify(ACTIVE_TOKEN)).resolves.toEqual({
      subject: 'subject-1',
      verifiedEmail: 'alice@example.com',
      isGlobalAdmin: true,
    });
  });

  it('posts the token to the realm introspection endpoint as the configured client', async () => {
    await verifierWith().verify(ACTIVE_TOKEN);

    expect(keycloak.forms).toEqual([
      {
        path: '/realms/agents/protocol/openid-connect/token/introspect',
        contentType: 'application/x-www-form-urlencoded',
        token: ACTIVE_TOKEN,
        token_type_hint: 'access_token',
        client_id: 'agent-controller',
        client_secret: SECRET,
      },
    ]);
  });

  it('refuses an inactive (revoked, expired, unknown) token', async () => {
    keycloak.body = { active: false };

    const error = await refusal(verifierWith().verify('revoked'));

    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('Token is not active');
  });

  it.each([
    ['meant for another client', { azp: 'other-app', client_id: 'other-app' }, 'Token is not meant for this service'],
    ['of another issuer', { iss: 'https://elsewhere/realms/agents' }, 'Token is from another issuer'],
    ['a refresh token', { typ: 'Refresh', token_type: undefined }, 'Not an access token'],
    ['past its expiry', { exp: Math.floor(Date.now() / 1000) - 60 }, 'Token has expired'],
  ])('refuses an active token %s', async (_label, extra, message) => {
    keycloak.body = active(extra);

    expect((await refusal(verifierWith().verify(ACTIVE_TOKEN))).message).toBe(message);
  });

  it('refuses a token Keycloak will not introspect (400) as the caller’s problem', async () => {
    keycloak.status = 400;
    keycloak.body = { error: 'unsupported_token_type' };

    expect((await refusal(verifierWith().verify(ACTIVE_TOKEN))).code).toBe('UNAUTHORIZED');
  });

  describe('positive cache', () => {
    it('reuses an active answer for the same token within the cache time', async () => {
      const verifier = verifierWith();
      await verifier.verify(ACTIVE_TOKEN);
      now += 29_000;
      await verifier.verify(ACTIVE_TOKEN);

      expect(keycloak.forms).toHaveLength(1);
    });

    it('asks again once the cache time has passed', async () => {
      const verifier = verifierWith();
      await verifier.verify(ACTIVE_TOKEN);
      now += 31_000;
      keycloak.body = { active: false };

      expect((await refusal(verifier.verify(ACTIVE_TOKEN))).message).toBe('Token is not active');
      expect(keycloak.forms).toHaveLength(2);
    });

    it('never keeps an answer past the token expiry', async () => {
      keycloak.body = active({ exp: Math.floor(now / 1000) + 2 });
      const verifier = verifierWith();
      await verifier.verify(ACTIVE_TOKEN);
      now += 3_000;
      keycloak.body = { active: false };

      await refusal(verifier.verify(ACTIVE_TOKEN));
      expect(keycloak.forms).toHaveLength(2);
    });

    it('keeps nothing when the cache time is 0', async () => {
      const verifier = verifierWith({ introspectionCacheSeconds: 0 });
      await verifier.verify(ACTIVE_TOKEN);
      await verifier.verify(ACTIVE_TOKEN);

      expect(keycloak.forms).toHaveLength(2);
    });

    it('does not keep refusals', async () => {
      const verifier = verifierWith();
      keycloak.body = { active: false };
      await refusal(verifier.verify(ACTIVE_TOKEN));
      keycloak.body = active();

      await expect(verifier.verify(ACTIVE_TOKEN)).resolves.toBeDefined();
      expect(keycloak.forms).toHaveLength(2);
    });

    it('keeps tokens apart', async () => {
      const verifier = verifierWith();
      await verifier.verify('token-a');
      keycloak.body = { active: false };

      await refusal(verifier.verify('token-b'));
      await expect(verifier.verify('token-a')).resolves.toBeDefined();
    });

    it('asks once for concurrent requests with the same token', async () => {
      keycloak.stallMs = 50;
      const verifier = verifierWith();

      await Promise.all(Array.from({ length: 5 }, () => verifier.verify(ACTIVE_TOKEN)));

      expect(keycloak.forms).toHaveLength(1);
    });
  });

  describe('when Keycloak fails', () => {
    it.each([
      ['answers 500', { status: 500 }],
      ['refuses the client credentials (401)', { status: 401 }],
      ['answers something that is not JSON', { body: '<html>' }],
      ['answers JSON without "active"', { body: { sub: 'x' } }],
    ])('answers 503 when Keycloak %s', async (_label, change) => {
      Object.assign(keycloak, change);

      const error = await refusal(verifierWith().verify(ACTIVE_TOKEN));

      expect(error.code).toBe('SERVICE_UNAVAILABLE');
      expect(error.status).toBe(503);
    });

    it('answers 503 within the time limit when Keycloak is too slow', async () => {
      keycloak.stallMs = 2_000;
      const started = Date.now();

      expect((await refusal(verifierWith({ requestTimeoutMs: 200 }).verify(ACTIVE_TOKEN))).code).toBe(
        'SERVICE_UNAVAILABLE',
      );
      expect(Date.now() - started).toBeLessThan(1_500);
    });

    it('answers 503 when Keycloak is unreachable', async () => {
      const verifier = new IntrospectionTokenVerifier({ ...settings, issuer: 'http://127.0.0.1:1/realms/agents' });

      expect((await refusal(verifier.verify(ACTIVE_TOKEN))).code).toBe('SERVICE_UNAVAILABLE');
    });
  });
});
