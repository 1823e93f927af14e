import type { SimulatorHandle } from '../simulator';
import { AUTH, http, NIL_UUID, startTestSimulator, TEST_API_KEY } from '../testing/helpers';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('health, authentication, error shapes, correlation (contract §1-§3)', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startTestSimulator();
  });

  afterAll(() => sim.close());

  describe('GET /api/health', () => {
    it('answers without credentials', async () => {
      const before = Date.now();
      const res = await http(sim).get('/api/health');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body as object)).toEqual(['status', 'timestamp']);
      expect(res.body.status).toBe('ok');
      expect(res.body.timestamp).toBeGreaterThanOrEqual(before);
      expect(res.body.timestamp).toBeLessThanOrEqual(Date.now());
    });

    it('has no rate-limit headers (not throttled)', async () => {
      const res = await http(sim).get('/api/health');
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    });
  });

  describe('api-key authentication', () => {
    it('rejects a request without Authorization', async () => {
      const res = await http(sim).get('/api/config');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Missing authorization header', error: 'Unauthorized', statusCode: 401 });
    });

    it.each([
      ['one part', 'Bearer'],
      ['three parts', `Bearer ${TEST_API_KEY} extra`],
      ['a double space', `Bearer  ${TEST_API_KEY}`],
      ['a tab instead of a space', `Bearer\t${TEST_API_KEY}`],
    ])('rejects a header with %s as badly formatted', async (_label, header) => {
      const res = await http(sim).get('/api/config').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        message: 'Invalid authorization header format',
        error: 'Unauthorized',
        statusCode: 401,
      });
    });

    it.each([
      ['a wrong key', 'Bearer nope'],
      ['a lower-case scheme', `bearer ${TEST_API_KEY}`],
      ['another scheme', `Basic ${TEST_API_KEY}`],
      ['a key differing in case', `Bearer ${TEST_API_KEY.toUpperCase()}`],
    ])('rejects %s as an invalid API key', async (_label, header) => {
      const res = await http(sim).get('/api/config').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Invalid API key', error: 'Unauthorized', statusCode: 401 });
    });

    it.each([['Bearer'], ['ApiKey']])('accepts the %s scheme', async (scheme) => {
      const res = await http(sim).get('/api/config').set('Authorization', `${scheme} ${TEST_API_KEY}`);
      expect(res.status).toBe(200);
    });

    it('checks credentials before validating path ids', async () => {
      const res = await http(sim).get('/api/agents/not-a-uuid');
      expect(res.status).toBe(401);
    });

    it('generates an API key when none is given', async () => {
      const other = await startTestSimulator({ apiKey: undefined });
      try {
        expect(other.apiKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
        const res = await http(other).get('/api/config').set('Authorization', `Bearer ${other.apiKey}`);
        expect(res.status).toBe(200);
      } finally {
        await other.close();
      }
    });
  });

  describe('error shapes', () => {
    it('answers an unknown route with the NestJS 404, even without credentials', async () => {
      const res = await http(sim).get('/api/nope');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: 'Cannot GET /api/nope', error: 'Not Found', statusCode: 404 });
    });

    it('keeps the query string and method in the 404 message', async () => {
      const res = await http(sim).post('/api/health?x=1').set(AUTH);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe('Cannot POST /api/health?x=1');
    });

    it('answers a path outside /api the same way', async () => {
      const res = await http(sim).get('/nope');
      expect(res.body).toEqual({ message: 'Cannot GET /nope', error: 'Not Found', statusCode: 404 });
    });

    it.each([['not-a-uuid'], [NIL_UUID], ['c232ab00-9414-11ec-b3c8-9f6bdeced846']])(
      'rejects the path id %s',
      async (id) => {
        const res = await http(sim).get(`/api/agents/${id}`).set(AUTH);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          message: 'Validation failed (uuid v 4 is expected)',
          error: 'Bad Request',
          statusCode: 400,
        });
      },
    );

    it.each([['limit=abc'], ['offset=1.5'], ['limit='], ['limit=1&limit=2']])('rejects %s', async (query) => {
      const res = await http(sim).get(`/api/agents?${query}`).set(AUTH);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        message: 'Validation failed (numeric string is expected)',
        error: 'Bad Request',
        statusCode: 400,
      });
    });

    it.each([['limit=-1'], ['offset=-1']])('answers %s with the bare 500 body', async (query) => {
      const res = await http(sim).get(`/api/agents?${query}`).set(AUTH);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    });

    it('answers invalid JSON with 400 Bad Request and the parser message', async () => {
      const res = await http(sim)
        .post('/api/agents')
        .set(AUTH)
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'Bad Request', statusCode: 400 });
      expect(typeof res.body.message).toBe('string');
    });

    it('answers a body over 100 kB with 413 and no error field', async () => {
      const res = await http(sim)
        .post('/api/agents')
        .set(AUTH)
        .send({ name: 'x'.repeat(120_000) });
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ statusCode: 413, message: 'request entity too large' });
    });

    it('answers a create without a JSON body with 500 (no validation layer)', async () => {
      const res = await http(sim).post('/api/agents').set(AUTH);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    });
  });

  describe('X-Correlation-Id', () => {
    it('echoes the given id', async () => {
      const res = await http(sim).get('/api/health').set('X-Correlation-Id', 'abc-123');
      expect(res.headers['x-correlation-id']).toBe('abc-123');
    });

    it('takes X-Request-Id when there is no X-Correlation-Id', async () => {
      const res = await http(sim).get('/api/config').set(AUTH).set('X-Request-Id', 'req-7');
      expect(res.headers['x-correlation-id']).toBe('req-7');
    });

    it('generates one otherwise, on errors too', async () => {
      for (const res of [
        await http(sim).get('/api/health'),
        await http(sim).get('/api/config'),
        await http(sim).get('/api/nope'),
        await http(sim).get('/api/agents/x').set(AUTH),
      ]) {
        expect(res.headers['x-correlation-id']).toMatch(UUID_PATTERN);
      }
    });
  });

  describe('CORS (development defaults)', () => {
    it('allows any origin', async () => {
      const res = await http(sim).get('/api/health').set('Origin', 'https://anywhere.example');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-expose-headers']).toBe('Content-Range,X-Content-Range,X-Correlation-Id');
    });

    it('answers preflights with 204', async () => {
      const res = await http(sim)
        .options('/api/agents')
        .set('Origin', 'https://anywhere.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-methods']).toBe('GET,POST,PUT,PATCH,DELETE,OPTIONS');
      expect(res.headers['access-control-allow-headers']).toBe(
        'Content-Type,Authorization,X-Correlation-Id,X-Request-Id',
      );
    });

    it('does not block mutations that carry an Origin', async () => {
      const res = await http(sim).post('/api/agents').set(AUTH).set('Origin', 'https://evil.example').send({});
      expect(res.status).not.toBe(403);
    });
  });
});
