import { Logger } from '@nestjs/common';
import { DomainError, KeycloakAuthConfig } from '@agent-controller/core';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { OfflineTokenVerifier } from './offline-token-verifier';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A realm's `certs` endpoint: serves the published keys, counts requests, can stall or fail. */
class FakeRealm {
  published: SigningKey[] = [];
  requests = 0;
  mode: 'ok' | 'stall' | 'error' = 'ok';
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests++;
      if (this.mode === 'stall') return;
      if (this.mode === 'error' || request.url !== '/realms/agents/protocol/openid-connect/certs') {
        response.writeHead(500).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: this.published.map((key) => key.jwk) }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('OfflineTokenVerifier', () => {
  const realm = new FakeRealm();
  let key: SigningKey;
  let settings: KeycloakAuthConfig;
  let verifier: OfflineTokenVerifier;

  const claims = (extra: Record<string, unknown> = {}) => ({
    sub: '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
    azp: 'agent-controller',
    aud: 'account',
    typ: 'Bearer',
    email: 'Alice@Example.com',
    email_verified: true,
    realm_access: { roles: ['admin'] },
    ...extra,
  });

  async function sign(
    payload: Record<string, unknown>,
    options: { with?: SigningKey; issuer?: string; expiresAt?: number; kid?: string } = {},
  ): Promise<string> {
    const signer = options.with ?? key;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? signer.kid })
      .setIssuer(options.issuer ?? settings.issuer)
      .setIssuedAt(now)
      .setExpirationTime(options.expiresAt ?? now + 300)
      .sign(signer.privateKey);
  }

  async function refusal(token: string): Promise<DomainError> {
    try {
      await verifier.verify(token);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected the token to be refused');
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await realm.start();
    key = await newKey('key-1');
  });

  afterAll(() => realm.stop());

  beforeEach(() => {
    realm.published = [key];
    realm.requests = 0;
    realm.mode = 'ok';
    settings = {
      issuer: `${realm.url}/realms/agents`,
      realm: 'agents',
      clientId: 'agent-controller',
      consoleClientId: 'agent-console-spa',
      consoleScope: 'openid profile email',
      tokenValidation: 'OFFLINE',
      adminRole: 'admin',
      introspectionCacheSeconds: 30,
      requestTimeoutMs: 500,
    };
    verifier = new OfflineTokenVerifier(settings);
  });

  it('accepts a token of the realm and reads the identity from it', async () => {
    await expect(verifier.verify(await sign(claims()))).resolves.toEqual({
      subject: '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
      verifiedEmail: 'alice@example.com',
      isGlobalAdmin: true,
      // Signed just now (iat): the token's sign-in time.
      signedInAt: expect.any(Date),
    });
  });

  it('reads the key set once and then verifies from the cache', async () => {
    await verifier.verify(await sign(claims()));
    await verifier.verify(await sign(claims({ sub: 'someone-else' })));

    expect(realm.requests).toBe(1);
  });

  it('refuses a token that expired more than the tolerance ago, and accepts one within it', async () => {
    const now = Math.floor(Date.now() / 1000);

    expect((await refusal(await sign(claims(), { expiresAt: now - 10 }))).message).toBe('Token has expired');
    await expect(verifier.verify(await sign(claims(), { expiresAt: now - 2 }))).resolves.toBeDefined();
  });

  it('refuses a token without an expiry', async () => {
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(settings.issuer)
      .sign(key.privateKey);

    expect((await refusal(token)).code).toBe('UNAUTHORIZED');
  });

  it('refuses a token of another issuer signed with the realm key', async () => {
    const token = await sign(claims(), { issuer: `${realm.url}/realms/other` });

    expect((await refusal(token)).message).toBe('Token is from another issuer');
  });

  it('refuses a token meant for another client', async () => {
    const token = await sign(claims({ azp: 'other-app', aud: ['account'] }));

    expect((await refusal(token)).message).toBe('Token is not meant for this service');
  });

  it('refuses a token signed by another key under the realm key id', async () => {
    const impostor = await newKey(key.kid);

    const error = await refusal(await sign(claims(), { with: impostor }));

    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('Token signature is invalid');
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await sign(claims({ realm_access: { roles: [] } }))).split('.');
    const altered = Buffer.from(JSON.stringify({ ...claims(), iss: settings.issuer, exp: 9e9 })).toString('base64url');

    expect((await refusal(`${header}.${altered}.${signature}`)).message).toBe('Token signature is invalid');
  });

  it('refuses an unsigned token and a shared-secret (HS256) token', async () => {
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...claims(), iss: settings.issuer, exp: 9e9 })).toString('base64url'),
      '',
    ].join('.');
    const hs256 = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setIssuer(settings.issuer)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('k'.repeat(32)));

    for (const token of [unsigned, hs256]) expect((await refusal(token)).code).toBe('UNAUTHORIZED');
  });

  it.each(['', 'not-a-jwt', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30'])('refuses the malformed token %p', async (token) => {
    expect((await refusal(token)).code).toBe('UNAUTHORIZED');
  });

  it('reads the key set again for an unknown kid, so a rotated key is accepted', async () => {
    await verifier.verify(await sign(claims()));
    const rotated = await newKey('key-2');
    realm.published = [rotated, key];

    // The first read was just now, within the cooldown: wait it out as a real rotation would.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'] });
    try {
      jest.setSystemTime(Date.now() + 11_000);
      await expect(verifier.verify(await sign(claims(), { with: rotated }))).resolves.toBeDefined();
    } finally {
      jest.useRealTimers();
    }
    expect(realm.requests).toBe(2);
  });

  it('does not read the key set again for unknown kids within the cooldown', async () => {
    await verifier.verify(await sign(claims()));

    for (let i = 0; i < 3; i++) {
      const error = await refusal(await sign(claims(), { with: await newKey(`random-${i}`) }));
      expect(error.message).toBe('Token is signed with an unknown key');
    }
    expect(realm.requests).toBe(1);
  });

  it('answers 503 when the key set cannot be read', async () => {
    realm.mode = 'error';

    const error = await refusal(await sign(claims()));

    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.status).toBe(503);
  });

  it('answers 503 when Keycloak does not answer within the time limit', async () => {
    realm.mode = 'stall';
    const started = Date.now();

    const error = await refusal(await sign(claims()));

    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('never puts the token in its answer', async () => {
    const token = await sign(claims({ azp: 'other-app' }));

    expect((await refusal(token)).message).not.toContain(token);
  });
});
