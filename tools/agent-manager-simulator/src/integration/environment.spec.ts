import type { SimulatorHandle } from '../simulator';
import { AUTH, createAgent, http, startTestSimulator, UNKNOWN_ID } from '../testing/helpers';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INTERNAL = { statusCode: 500, message: 'Internal server error' };

describe('environment variables (contract §5)', () => {
  let sim: SimulatorHandle;
  let agentId: string;
  let base: string;

  beforeEach(async () => {
    sim = await startTestSimulator();
    agentId = (await createAgent(sim, { name: 'env-agent' })).id;
    base = `/api/agents/${agentId}/environment`;
  });

  afterEach(() => sim.close());

  async function addVariable(variable: string, content?: string): Promise<Record<string, string>> {
    const res = await http(sim).post(base).set(AUTH).send({ variable, content });
    expect(res.status).toBe(201);
    return res.body as Record<string, string>;
  }

  it('creates a variable (201) with the env DTO', async () => {
    const res = await http(sim).post(base).set(AUTH).send({ variable: 'FOO', content: 'bar' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body as object)).toEqual(['id', 'agentId', 'variable', 'content', 'createdAt', 'updatedAt']);
    expect(res.body).toMatchObject({ agentId, variable: 'FOO', content: 'bar' });
    expect(res.body.createdAt).toMatch(ISO);
  });

  it('reports missing content as an empty string', async () => {
    expect((await addVariable('EMPTY'))['content']).toBe('');
  });

  it('changes the simulated container id (reconcile)', async () => {
    const before = sim.context.state.findAgent(agentId)?.containerId;
    await addVariable('X', '1');
    expect(sim.context.state.findAgent(agentId)?.containerId).not.toBe(before);
  });

  it('lists oldest first with a default limit of 50, pages, and counts', async () => {
    const names: string[] = [];
    for (let i = 0; i < 55; i++) {
      names.push(`VAR_${i}`);
      await addVariable(`VAR_${i}`, String(i));
    }
    const page = await http(sim).get(base).set(AUTH);
    expect(page.status).toBe(200);
    expect((page.body as { variable: string }[]).map((v) => v.variable)).toEqual(names.slice(0, 50));
    const rest = await http(sim).get(`${base}?limit=10&offset=50`).set(AUTH);
    expect((rest.body as { variable: string }[]).map((v) => v.variable)).toEqual(names.slice(50));
    expect((await http(sim).get(`${base}?limit=0`).set(AUTH)).body).toEqual([]);
    const count = await http(sim).get(`${base}/count`).set(AUTH);
    expect(count.status).toBe(200);
    expect(count.body).toEqual({ count: 55 });
  });

  it('updates with PUT (200)', async () => {
    const created = await addVariable('OLD', 'a');
    const res = await http(sim).put(`${base}/${created['id']}`).set(AUTH).send({ variable: 'NEW', content: 'b' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created['id'], agentId, variable: 'NEW', content: 'b' });
    const list = await http(sim).get(base).set(AUTH);
    expect(list.body[0]).toMatchObject({ variable: 'NEW', content: 'b' });
  });

  it('keeps stored values for keys missing from a PUT, but echoes the body like the real server', async () => {
    const created = await addVariable('KEEP', 'value');
    const res = await http(sim).put(`${base}/${created['id']}`).set(AUTH).send({ content: 'changed' });
    expect(res.status).toBe(200);
    expect(res.body.variable).toBeUndefined();
    expect(res.body.content).toBe('changed');
    const list = await http(sim).get(base).set(AUTH);
    expect(list.body[0]).toMatchObject({ variable: 'KEEP', content: 'changed' });
  });

  it('answers 404 for an unknown variable on PUT and DELETE', async () => {
    for (const res of [
      await http(sim).put(`${base}/${UNKNOWN_ID}`).set(AUTH).send({ variable: 'A', content: 'b' }),
      await http(sim).delete(`${base}/${UNKNOWN_ID}`).set(AUTH),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        message: `Environment variable with ID ${UNKNOWN_ID} not found`,
        error: 'Not Found',
        statusCode: 404,
      });
    }
  });

  it('deletes one variable (204), then all (200 with deletedCount)', async () => {
    const first = await addVariable('A', '1');
    await addVariable('B', '2');
    await addVariable('C', '3');
    const del = await http(sim).delete(`${base}/${first['id']}`).set(AUTH);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const all = await http(sim).delete(base).set(AUTH);
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ deletedCount: 2 });
    expect((await http(sim).get(`${base}/count`).set(AUTH)).body).toEqual({ count: 0 });
  });

  it('removes the variables with their agent', async () => {
    await addVariable('GONE', 'x');
    await http(sim).delete(`/api/agents/${agentId}`).set(AUTH);
    expect(sim.context.state.environmentVariables.size).toBe(0);
  });

  describe('for an unknown agent (the real queries do not check the agent first)', () => {
    const unknownBase = `/api/agents/${UNKNOWN_ID}/environment`;

    it('lists nothing and counts 0', async () => {
      expect((await http(sim).get(unknownBase).set(AUTH)).body).toEqual([]);
      expect((await http(sim).get(`${unknownBase}/count`).set(AUTH)).body).toEqual({ count: 0 });
    });

    it('fails a create on the foreign key (500)', async () => {
      const res = await http(sim).post(unknownBase).set(AUTH).send({ variable: 'A', content: 'b' });
      expect(res.status).toBe(500);
      expect(res.body).toEqual(INTERNAL);
    });

    it('answers delete-all with 404 from the reconcile step', async () => {
      const res = await http(sim).delete(unknownBase).set(AUTH);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        message: `Agent with ID ${UNKNOWN_ID} not found`,
        error: 'Not Found',
        statusCode: 404,
      });
    });
  });

  it('answers 500 for a create without variable', async () => {
    const res = await http(sim).post(base).set(AUTH).send({ content: 'x' });
    expect(res.status).toBe(500);
    expect(res.body).toEqual(INTERNAL);
  });

  it('validates both path ids as v4 UUIDs', async () => {
    expect((await http(sim).get('/api/agents/x/environment').set(AUTH)).status).toBe(400);
    expect((await http(sim).put(`${base}/count`).set(AUTH).send({})).status).toBe(400);
    expect((await http(sim).delete(`${base}/nope`).set(AUTH)).status).toBe(400);
    expect((await http(sim).get(`${base}?limit=x`).set(AUTH)).status).toBe(400);
  });
});
