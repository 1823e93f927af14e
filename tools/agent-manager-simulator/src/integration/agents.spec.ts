import { MISSING_REPOSITORY_MESSAGE, SSH_PORT_RANGE, VNC_PORT_RANGE } from '../services/agents.service';
import type { SimulatorHandle } from '../simulator';
import { AUTH, createAgent, http, REPO, startTestSimulator, UNKNOWN_ID } from '../testing/helpers';

/** The create answer without its one-time password: what GET returns for a fresh agent. */
function withoutPassword(created: Record<string, unknown>): Record<string, unknown> {
  const dto = { ...created };
  delete dto['password'];
  return dto;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DEFAULT_TYPES = [
  { type: 'cursor', displayName: 'Cursor' },
  { type: 'opencode', displayName: 'OpenCode' },
  { type: 'openclaw', displayName: 'OpenClaw' },
];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('GET /api/config', () => {
  it('reports the repository URL and the agent types', async () => {
    const sim = await startTestSimulator();
    try {
      const res = await http(sim).get('/api/config').set(AUTH);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ gitRepositoryUrl: REPO, agentTypes: DEFAULT_TYPES });
    } finally {
      await sim.close();
    }
  });

  it('leaves gitRepositoryUrl out when none is configured', async () => {
    const sim = await startTestSimulator({ gitRepositoryUrl: undefined });
    try {
      const res = await http(sim).get('/api/config').set(AUTH);
      expect(res.body).toEqual({ agentTypes: DEFAULT_TYPES });
      expect('gitRepositoryUrl' in (res.body as object)).toBe(false);
    } finally {
      await sim.close();
    }
  });
});

describe('agents (contract §5)', () => {
  let sim: SimulatorHandle;

  beforeEach(async () => {
    sim = await startTestSimulator();
  });

  afterEach(() => sim.close());

  describe('POST /api/agents', () => {
    it('creates an agent with defaults and returns the DTO plus a one-time password', async () => {
      const res = await http(sim).post('/api/agents').set(AUTH).send({ name: 'alpha' });
      expect(res.status).toBe(201);
      const body = res.body as Record<string, unknown>;
      // No description was sent: the freshly saved entity has none, so the key is left out here.
      expect(Object.keys(body)).toEqual([
        'id',
        'name',
        'agentType',
        'containerType',
        'createdAt',
        'updatedAt',
        'password',
      ]);
      expect(body).toMatchObject({ name: 'alpha', agentType: 'cursor', containerType: 'generic' });
      expect(body['id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(body['createdAt']).toMatch(ISO);
      expect(body['updatedAt']).toBe(body['createdAt']);
      expect(body['password']).toMatch(/^[A-Za-z0-9]{16}$/);
    });

    it('stores only a hash of the password', async () => {
      const created = await createAgent(sim, { name: 'hashed' });
      const record = sim.context.state.findAgent(created.id);
      expect(record?.passwordHash).not.toContain(created.password);
      await expect(sim.context.state.verifyAgentPassword(created.id, created.password)).resolves.toBe(true);
      await expect(sim.context.state.verifyAgentPassword(created.id, 'wrong')).resolves.toBe(false);
    });

    it('keeps the given fields and reports git only for a repository given in the body', async () => {
      const created = await createAgent(sim, {
        name: 'beta',
        description: 'does things',
        agentType: 'opencode',
        containerType: 'docker',
        gitRepositoryUrl: 'https://git.example.com/other.git',
      });
      expect(created).toMatchObject({
        description: 'does things',
        agentType: 'opencode',
        containerType: 'docker',
        git: { repositoryUrl: 'https://git.example.com/other.git' },
      });
      const plain = await createAgent(sim, { name: 'gamma' });
      expect(plain['git']).toBeUndefined();
    });

    it('fills vnc and ssh when those containers are requested', async () => {
      const created = await createAgent(sim, { name: 'desk', createVirtualWorkspace: true, createSshConnection: true });
      const vnc = created['vnc'] as { port: number; password: string };
      const ssh = created['ssh'] as { port: number; password: string };
      expect(vnc.port).toBeGreaterThanOrEqual(VNC_PORT_RANGE[0]);
      expect(vnc.port).toBeLessThanOrEqual(VNC_PORT_RANGE[1]);
      expect(ssh.port).toBeGreaterThanOrEqual(SSH_PORT_RANGE[0]);
      expect(ssh.port).toBeLessThanOrEqual(SSH_PORT_RANGE[1]);
      expect(vnc.password).toMatch(/^[A-Za-z0-9]{16}$/);
      const res = await http(sim).get(`/api/agents/${created.id}`).set(AUTH);
      expect(res.body).toMatchObject({ vnc, ssh });
    });

    it('rejects a duplicate name', async () => {
      await createAgent(sim, { name: 'dup' });
      const res = await http(sim).post('/api/agents').set(AUTH).send({ name: 'dup' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        message: "Agent with name 'dup' already exists",
        error: 'Bad Request',
        statusCode: 400,
      });
    });

    it('needs a repository URL from the body or the configuration', async () => {
      const bare = await startTestSimulator({ gitRepositoryUrl: undefined });
      try {
        const res = await http(bare).post('/api/agents').set(AUTH).send({ name: 'x' });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ message: MISSING_REPOSITORY_MESSAGE, error: 'Bad Request', statusCode: 400 });
        const ok = await http(bare).post('/api/agents').set(AUTH).send({ name: 'x', gitRepositoryUrl: REPO });
        expect(ok.status).toBe(201);
      } finally {
        await bare.close();
      }
    });

    it('behaves like the real server for a body without a name', async () => {
      // No agent yet: the create flow runs until the row insert, which fails (NOT NULL) → 500.
      const first = await http(sim).post('/api/agents').set(AUTH).send({});
      expect(first.status).toBe(500);
      expect(first.body).toEqual({ statusCode: 500, message: 'Internal server error' });
      // With an agent: the ORM drops the undefined condition, the look-up finds it → 400.
      await createAgent(sim, { name: 'any' });
      const second = await http(sim).post('/api/agents').set(AUTH).send({});
      expect(second.status).toBe(400);
      expect(second.body.message).toBe("Agent with name 'undefined' already exists");
    });

    it.each([
      ['an unknown agent type', { agentType: 'copilot' }],
      ['an unknown container type', { containerType: 'vm' }],
      ['a name over 255 characters', { name: 'n'.repeat(256) }],
    ])('answers %s with 500', async (_label, extra) => {
      const res = await http(sim)
        .post('/api/agents')
        .set(AUTH)
        .send({ name: 'bad', ...extra });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    });
  });

  describe('GET /api/agents', () => {
    it('lists newest first, 10 by default, with limit/offset and no total', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        ids.push((await createAgent(sim, { name: `agent-${i}` })).id);
      }
      const newestFirst = [...ids].reverse();
      const page = await http(sim).get('/api/agents').set(AUTH);
      expect(page.status).toBe(200);
      expect((page.body as { id: string }[]).map((a) => a.id)).toEqual(newestFirst.slice(0, 10));
      const second = await http(sim).get('/api/agents?limit=5&offset=10').set(AUTH);
      expect((second.body as { id: string }[]).map((a) => a.id)).toEqual(newestFirst.slice(10));
      const all = await http(sim).get('/api/agents?limit=1000').set(AUTH);
      expect(all.body).toHaveLength(12);
      expect((await http(sim).get('/api/agents?limit=0').set(AUTH)).body).toEqual([]);
      expect((await http(sim).get('/api/agents?offset=50').set(AUTH)).body).toEqual([]);
    });

    it('returns stored rows with description null when none was given', async () => {
      await createAgent(sim, { name: 'plain' });
      const res = await http(sim).get('/api/agents').set(AUTH);
      expect(Object.keys(res.body[0] as object)).toEqual([
        'id',
        'name',
        'description',
        'agentType',
        'containerType',
        'createdAt',
        'updatedAt',
      ]);
      expect(res.body[0].description).toBeNull();
      expect(res.body[0].password).toBeUndefined();
    });
  });

  describe('GET /api/agents/:id', () => {
    it('returns the agent', async () => {
      const created = await createAgent(sim, { name: 'one', description: 'd' });
      const res = await http(sim).get(`/api/agents/${created.id}`).set(AUTH);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(withoutPassword(created));
    });

    it('answers 404 for an unknown id', async () => {
      const res = await http(sim).get(`/api/agents/${UNKNOWN_ID}`).set(AUTH);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        message: `Agent with ID ${UNKNOWN_ID} not found`,
        error: 'Not Found',
        statusCode: 404,
      });
    });
  });

  describe('POST /api/agents/:id (update)', () => {
    it('updates the given fields only and answers 201', async () => {
      const created = await createAgent(sim, { name: 'old', description: 'keep' });
      await sleep(5);
      const res = await http(sim)
        .post(`/api/agents/${created.id}`)
        .set(AUTH)
        .send({ name: 'new', containerType: 'kubernetes', password: 'ignored' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: created.id, name: 'new', description: 'keep', containerType: 'kubernetes' });
      expect(res.body.createdAt).toBe(created['createdAt']);
      expect(Date.parse(res.body.updatedAt as string)).toBeGreaterThan(Date.parse(created['updatedAt'] as string));
      await expect(sim.context.state.verifyAgentPassword(created.id, created.password)).resolves.toBe(true);
    });

    it('keeps updatedAt when nothing changes', async () => {
      const created = await createAgent(sim, { name: 'same' });
      await sleep(5);
      const res = await http(sim).post(`/api/agents/${created.id}`).set(AUTH).send({ name: 'same' });
      expect(res.status).toBe(201);
      expect(res.body.updatedAt).toBe(created['updatedAt']);
    });

    it('can clear the description', async () => {
      const created = await createAgent(sim, { name: 'desc', description: 'x' });
      const res = await http(sim).post(`/api/agents/${created.id}`).set(AUTH).send({ description: null });
      expect(res.body.description).toBeNull();
    });

    it('rejects a name taken by another agent', async () => {
      await createAgent(sim, { name: 'taken' });
      const mine = await createAgent(sim, { name: 'mine' });
      const res = await http(sim).post(`/api/agents/${mine.id}`).set(AUTH).send({ name: 'taken' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        message: "Agent with name 'taken' already exists",
        error: 'Bad Request',
        statusCode: 400,
      });
    });

    it('answers 404 for an unknown id', async () => {
      const res = await http(sim).post(`/api/agents/${UNKNOWN_ID}`).set(AUTH).send({ description: 'x' });
      expect(res.status).toBe(404);
    });
  });

  describe('DELETE /api/agents/:id', () => {
    it('answers 204 with no body, then the agent is gone', async () => {
      const created = await createAgent(sim, { name: 'bye' });
      const res = await http(sim).delete(`/api/agents/${created.id}`).set(AUTH);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await http(sim).get(`/api/agents/${created.id}`).set(AUTH)).status).toBe(404);
      expect((await http(sim).delete(`/api/agents/${created.id}`).set(AUTH)).status).toBe(404);
    });
  });

  describe('start / stop / restart / models', () => {
    it('answers 201 with the unchanged DTO and models follow the container state', async () => {
      const created = await createAgent(sim, { name: 'runner' });
      const dto = withoutPassword(created);
      const models = await http(sim).get(`/api/agents/${created.id}/models`).set(AUTH);
      expect(models.status).toBe(200);
      expect(Object.keys(models.body as object).length).toBeGreaterThan(0);
      for (const action of ['stop', 'start', 'restart']) {
        const res = await http(sim).post(`/api/agents/${created.id}/${action}`).set(AUTH);
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ ...dto, description: null });
      }
      await http(sim).post(`/api/agents/${created.id}/stop`).set(AUTH);
      expect((await http(sim).get(`/api/agents/${created.id}/models`).set(AUTH)).body).toEqual({});
    });

    it.each([['start'], ['stop'], ['restart']])('answers 404 for %s on an unknown agent', async (action) => {
      const res = await http(sim).post(`/api/agents/${UNKNOWN_ID}/${action}`).set(AUTH);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe(`Agent with ID ${UNKNOWN_ID} not found`);
    });

    it('answers 404 for the models of an unknown agent', async () => {
      expect((await http(sim).get(`/api/agents/${UNKNOWN_ID}/models`).set(AUTH)).status).toBe(404);
    });
  });
});
