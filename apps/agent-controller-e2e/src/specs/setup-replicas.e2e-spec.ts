import { createTestDatabase, testBackend, TestDatabase } from '@agent-controller/database/testing';
import { RunningController, startController } from '../support/controller-process';
import { Api } from '../support/http';

const ADMIN = { email: 'first.admin@example.com', password: 'correct horse battery' };

/**
 * First run of a fleet: two replicas of one database start before anyone has set up, and each prints a setup token
 * of its own. Whichever log the operator reads, that token works, on either replica; a wrong token spoils nothing;
 * once the first admin exists every other token is refused. PostgreSQL server only (replicas share a server).
 */
(testBackend() === 'server' ? describe : describe.skip)('setup tokens of several replicas', () => {
  let database: TestDatabase;
  let first: RunningController;
  let second: RunningController;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One after the other: the second start would have voided the first replica's token.
    first = await startController({ database });
    second = await startController({ database });
  }, 90_000);

  afterAll(async () => {
    await first?.stop({ keepData: true });
    await second?.stop();
  });

  it("accepts the first replica's token on the second, after a wrong one, and no token after that", async () => {
    const [firstToken, secondToken] = [first.setupToken(), second.setupToken()];
    expect(firstToken).not.toBe(secondToken);
    const api = new Api(second.baseUrl);

    const wrong = await api.post('/api/auth/setup', { ...ADMIN, token: 'not-a-token-anyone-printed' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_SETUP_TOKEN');

    const created = await api.post('/api/auth/setup', { ...ADMIN, token: firstToken });
    expect(created.status).toBe(201);
    expect((await api.get('/api/users', { token: created.body.accessToken })).body).toHaveLength(1);

    for (const [replica, token] of [
      [first, secondToken],
      [second, firstToken],
    ] as const) {
      const late = await new Api(replica.baseUrl).post('/api/auth/setup', { ...ADMIN, token });
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('SETUP_ALREADY_COMPLETED');
    }
  });
});
