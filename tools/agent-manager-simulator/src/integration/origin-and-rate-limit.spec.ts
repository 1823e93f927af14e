import type { SimulatorHandle } from '../simulator';
import { AUTH, http, startTestSimulator } from '../testing/helpers';

const FORBIDDEN = { message: 'Origin not allowed', error: 'Forbidden', statusCode: 403 };
const TOO_MANY = { statusCode: 429, message: 'Too many requests, please try again later.' };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('origin allowlist (contract §2)', () => {
  describe('with --cors-origin', () => {
    let sim: SimulatorHandle;

    beforeAll(async () => {
      sim = await startTestSimulator({ corsOrigins: ['https://ok.example'] });
    });

    afterAll(() => sim.close());

    it.each([['post'], ['put'], ['patch'], ['delete']] as const)(
      'rejects %s with a foreign Origin before authentication',
      async (method) => {
        const res = await http(sim)[method]('/api/agents').set('Origin', 'https://evil.example');
        expect(res.status).toBe(403);
        expect(res.body).toEqual(FORBIDDEN);
      },
    );

    it('lets an allowed Origin through and echoes it for CORS', async () => {
      const res = await http(sim)
        .post('/api/agents')
        .set(AUTH)
        .set('Origin', 'https://ok.example')
        .send({ name: 'from-browser' });
      expect(res.status).toBe(201);
      expect(res.headers['access-control-allow-origin']).toBe('https://ok.example');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['vary']).toContain('Origin');
    });

    it('lets requests without Origin through (server to server)', async () => {
      const res = await http(sim).post('/api/agents').set(AUTH).send({ name: 'from-server' });
      expect(res.status).toBe(201);
    });

    it('does not check safe methods', async () => {
      const res = await http(sim).get('/api/config').set(AUTH).set('Origin', 'https://evil.example');
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('rejects every Origin in production mode without a list', async () => {
    const sim = await startTestSimulator({ production: true });
    try {
      const res = await http(sim)
        .post('/api/agents')
        .set(AUTH)
        .set('Origin', 'https://any.example')
        .send({ name: 'a' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(FORBIDDEN);
      expect((await http(sim).post('/api/agents').set(AUTH).send({ name: 'a' })).status).toBe(201);
    } finally {
      await sim.close();
    }
  });
});

describe('rate limit (contract §2)', () => {
  it('allows `limit` requests per route and client, then 429 with Retry-After; health and other routes are separate', async () => {
    const sim = await startTestSimulator({ rateLimit: 3 });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await http(sim).get('/api/config').set(AUTH);
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBe('3');
        expect(res.headers['x-ratelimit-remaining']).toBe(String(2 - i));
        const reset = Number(res.headers['x-ratelimit-reset']);
        expect(reset).toBeGreaterThan(0);
        expect(reset).toBeLessThanOrEqual(60);
      }
      const blocked = await http(sim).get('/api/config').set(AUTH);
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual(TOO_MANY);
      expect(Number(blocked.headers['retry-after'])).toBe(60);
      // Like NestJS's guard, a 429 carries Retry-After but not the X-RateLimit-* headers.
      expect(blocked.headers['x-ratelimit-remaining']).toBeUndefined();
      expect(blocked.headers['x-correlation-id']).toBeDefined();

      expect((await http(sim).get('/api/health')).status).toBe(200);
      const otherRoute = await http(sim).get('/api/agents').set(AUTH);
      expect(otherRoute.status).toBe(200);
      expect(otherRoute.headers['x-ratelimit-remaining']).toBe('2');
    } finally {
      await sim.close();
    }
  });

  it('does not count requests rejected by authentication', async () => {
    const sim = await startTestSimulator({ rateLimit: 2 });
    try {
      for (let i = 0; i < 5; i++) {
        expect((await http(sim).get('/api/config')).status).toBe(401);
      }
      const res = await http(sim).get('/api/config').set(AUTH);
      expect(res.status).toBe(200);
      expect(res.headers['x-ratelimit-remaining']).toBe('1');
    } finally {
      await sim.close();
    }
  });

  it('shares one budget across routes with scope ip', async () => {
    const sim = await startTestSimulator({ rateLimit: 2, rateLimitScope: 'ip' });
    try {
      expect((await http(sim).get('/api/config').set(AUTH)).status).toBe(200);
      expect((await http(sim).get('/api/agents').set(AUTH)).status).toBe(200);
      expect((await http(sim).get('/api/agents?limit=1').set(AUTH)).status).toBe(429);
    } finally {
      await sim.close();
    }
  });

  it('answers again once the block has expired', async () => {
    const sim = await startTestSimulator({ rateLimit: 1, rateLimitTtlSeconds: 1 });
    try {
      expect((await http(sim).get('/api/config').set(AUTH)).status).toBe(200);
      const blocked = await http(sim).get('/api/config').set(AUTH);
      expect(blocked.status).toBe(429);
      expect(blocked.headers['retry-after']).toBe('1');
      await sleep(1100);
      expect((await http(sim).get('/api/config').set(AUTH)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('uses 100 per window in production mode and 10000 otherwise', async () => {
    const production = await startTestSimulator({ production: true });
    const development = await startTestSimulator();
    try {
      expect((await http(production).get('/api/config').set(AUTH)).headers['x-ratelimit-limit']).toBe('100');
      expect((await http(development).get('/api/config').set(AUTH)).headers['x-ratelimit-limit']).toBe('10000');
    } finally {
      await production.close();
      await development.close();
    }
  });
});
