import type { SimulatorHandle } from '../simulator';
import { AUTH, createAgent, http, startTestSimulator, UNKNOWN_ID } from '../testing/helpers';

const CONFIG = { providerType: 'github', repositoryId: 'acme/app', providerToken: 'secret', defaultBranch: 'main' };

describe('deployments, agent filters and configuration overrides (contract §5)', () => {
  let sim: SimulatorHandle;
  let agentId: string;
  let base: string;

  beforeEach(async () => {
    sim = await startTestSimulator();
    agentId = (await createAgent(sim, { name: 'deploy-agent' })).id;
    base = `/api/agents/${agentId}/deployments`;
  });

  afterEach(() => sim.close());

  describe('deployments', () => {
    it('answers GET configuration with an empty 200 body when none is configured', async () => {
      const res = await http(sim).get(`${base}/configuration`).set(AUTH);
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    });

    it('404s every provider call without a configuration', async () => {
      const message = `Deployment configuration for agent ${agentId} not found`;
      for (const path of ['repositories', 'repositories/r/branches', 'repositories/r/workflows', 'runs', 'runs/x']) {
        const res = await http(sim).get(`${base}/${path}`).set(AUTH);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message, error: 'Not Found', statusCode: 404 });
      }
      expect((await http(sim).post(`${base}/workflows/trigger`).set(AUTH).send({})).status).toBe(404);
      expect((await http(sim).delete(`${base}/configuration`).set(AUTH)).status).toBe(404);
    });

    it('creates (201), updates, reads and deletes (204) the configuration without the token', async () => {
      const created = await http(sim).post(`${base}/configuration`).set(AUTH).send(CONFIG);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ agentId, providerType: 'github', repositoryId: 'acme/app' });
      expect(created.body.providerToken).toBeUndefined();
      const updated = await http(sim).post(`${base}/configuration`).set(AUTH).send({ workflowId: 'deploy.yml' });
      expect(updated.body).toMatchObject({ id: created.body.id, workflowId: 'deploy.yml' });
      expect((await http(sim).get(`${base}/configuration`).set(AUTH)).body).toMatchObject({ id: created.body.id });
      expect((await http(sim).delete(`${base}/configuration`).set(AUTH)).status).toBe(204);
      expect((await http(sim).get(`${base}/configuration`).set(AUTH)).text).toBe('');
      const unknown = await http(sim)
        .post(`/api/agents/${UNKNOWN_ID}/deployments/configuration`)
        .set(AUTH)
        .send(CONFIG);
      expect(unknown.status).toBe(404);
      expect((await http(sim).post(`${base}/configuration`).set(AUTH).send({ providerType: 'github' })).status).toBe(
        400,
      );
    });

    it('serves fake repositories, branches, workflows, runs, logs and jobs', async () => {
      await http(sim).post(`${base}/configuration`).set(AUTH).send(CONFIG);
      const repos = await http(sim).get(`${base}/repositories`).set(AUTH);
      expect(repos.body).toEqual([
        {
          id: 'acme/app',
          name: 'app',
          fullName: 'acme/app',
          defaultBranch: 'main',
          url: 'https://github.com/acme/app',
          private: false,
        },
      ]);
      const branches = await http(sim).get(`${base}/repositories/acme%2Fapp/branches`).set(AUTH);
      expect(branches.body[0]).toEqual({ name: 'main', sha: expect.stringMatching(/^[0-9a-f]{40}$/), default: true });
      const workflows = await http(sim).get(`${base}/repositories/acme%2Fapp/workflows?branch=main`).set(AUTH);
      expect(workflows.body[0]).toEqual({
        id: 'ci.yml',
        name: 'CI',
        path: '.github/workflows/ci.yml',
        state: 'active',
        canTrigger: true,
      });

      const trigger = await http(sim)
        .post(`${base}/workflows/trigger`)
        .set(AUTH)
        .send({ workflowId: 'ci.yml', ref: 'main' });
      expect(trigger.status).toBe(201);
      expect(trigger.body).toMatchObject({ status: 'queued', ref: 'main', workflowId: 'ci.yml', workflowName: 'CI' });
      const runId = trigger.body.id as string;
      expect((await http(sim).get(`${base}/runs`).set(AUTH)).body).toEqual([expect.objectContaining({ id: runId })]);
      expect((await http(sim).get(`${base}/runs/${runId}`).set(AUTH)).body.status).toBe('in_progress');
      expect((await http(sim).get(`${base}/runs/${runId}`).set(AUTH)).body).toMatchObject({
        status: 'completed',
        conclusion: 'success',
      });
      expect((await http(sim).get(`${base}/runs/${runId}/logs`).set(AUTH)).body).toEqual({ logs: expect.any(String) });
      const jobs = await http(sim).get(`${base}/runs/${runId}/jobs`).set(AUTH);
      expect(jobs.body).toHaveLength(2);
      const jobId = jobs.body[0].id as string;
      expect((await http(sim).get(`${base}/runs/${runId}/jobs/${jobId}/logs`).set(AUTH)).body).toEqual({
        logs: expect.any(String),
      });
      expect((await http(sim).get(`${base}/runs/nope`).set(AUTH)).status).toBe(404);

      const second = await http(sim)
        .post(`${base}/workflows/trigger`)
        .set(AUTH)
        .send({ workflowId: 'ci.yml', ref: 'x' });
      expect((await http(sim).post(`${base}/runs/${second.body.id}/cancel`).set(AUTH)).status).toBe(204);
      expect((await http(sim).get(`${base}/runs/${second.body.id}`).set(AUTH)).body.conclusion).toBe('cancelled');
    });
  });

  describe('agents-filters', () => {
    it('creates, lists, counts, reads, updates and deletes filters', async () => {
      const created = await http(sim)
        .post('/api/agents-filters')
        .set(AUTH)
        .send({ pattern: 'secret', direction: 'incoming', filterType: 'filter', replaceContent: '***', priority: 5 });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        pattern: 'secret',
        regexFlags: 'gi',
        direction: 'incoming',
        filterType: 'filter',
        replaceContent: '***',
        priority: 5,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const id = created.body.id as string;
      await http(sim)
        .post('/api/agents-filters')
        .set(AUTH)
        .send({ pattern: 'x', direction: 'outgoing', filterType: 'drop' });
      const list = await http(sim).get('/api/agents-filters').set(AUTH);
      expect((list.body as { id: string }[])[0]?.id).toBe(id);
      expect((await http(sim).get('/api/agents-filters/count').set(AUTH)).body).toEqual({ count: 2 });
      expect((await http(sim).get(`/api/agents-filters/${id}`).set(AUTH)).body.pattern).toBe('secret');
      const updated = await http(sim).put(`/api/agents-filters/${id}`).set(AUTH).send({ priority: 1 });
      expect(updated.status).toBe(200);
      expect(updated.body.priority).toBe(1);
      expect((await http(sim).delete(`/api/agents-filters/${id}`).set(AUTH)).status).toBe(204);
      const gone = await http(sim).get(`/api/agents-filters/${id}`).set(AUTH);
      expect(gone.status).toBe(404);
      expect(gone.body.message).toBe(`Filter with ID ${id} not found`);
      const bad = await http(sim).post('/api/agents-filters').set(AUTH).send({ pattern: '(', direction: 'x' });
      expect(bad.status).toBe(400);
    });
  });

  describe('configuration-overrides', () => {
    it('lists settings, overrides one (PUT) and removes it (DELETE 204)', async () => {
      const list = await http(sim).get('/api/configuration-overrides').set(AUTH);
      expect(list.status).toBe(200);
      expect((list.body as { settingKey: string }[]).map((s) => s.settingKey)).toContain('cursorApiKey');
      expect(list.body[0]).toEqual({
        settingKey: 'gitRepositoryUrl',
        envVarName: 'GIT_REPOSITORY_URL',
        value: 'https://git.example.com/acme/repo.git',
        source: 'default_env',
        hasOverride: false,
      });
      const put = await http(sim)
        .put('/api/configuration-overrides/gitRepositoryUrl')
        .set(AUTH)
        .send({ value: 'https://git.example.com/other.git' });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        source: 'override',
        hasOverride: true,
        value: 'https://git.example.com/other.git',
      });
      expect((await http(sim).get('/api/config').set(AUTH)).body.gitRepositoryUrl).toBe(
        'https://git.example.com/other.git',
      );
      const token = await http(sim).put('/api/configuration-overrides/gitToken').set(AUTH).send({ value: 't' });
      expect(token.body).toEqual({
        settingKey: 'gitToken',
        envVarName: 'GIT_TOKEN',
        source: 'override',
        hasOverride: true,
      });
      expect((await http(sim).delete('/api/configuration-overrides/gitRepositoryUrl').set(AUTH)).status).toBe(204);
      expect((await http(sim).get('/api/config').set(AUTH)).body.gitRepositoryUrl).toBe(
        'https://git.example.com/acme/repo.git',
      );
      expect((await http(sim).put('/api/configuration-overrides/nope').set(AUTH).send({ value: 'x' })).status).toBe(
        400,
      );
    });
  });
});
