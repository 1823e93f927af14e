import type { SimulatorHandle } from '../simulator';
import { AUTH, createAgent, http, startTestSimulator, UNKNOWN_ID } from '../testing/helpers';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('files, vcs and verify-commands (contract §5)', () => {
  let sim: SimulatorHandle;
  let files: string;
  let vcs: string;

  beforeEach(async () => {
    sim = await startTestSimulator();
    const id = (await createAgent(sim, { name: 'ws-agent' })).id;
    files = `/api/agents/${id}/files`;
    vcs = `/api/agents/${id}/vcs`;
  });

  afterEach(() => sim.close());

  describe('files', () => {
    it('lists a default tree with path, directories first', async () => {
      const res = await http(sim).get(files).set(AUTH);
      expect(res.status).toBe(200);
      expect((res.body as { path: string }[]).map((n) => n.path)).toEqual(['src', 'package.json', 'README.md']);
      expect(res.body[0]).toEqual({ name: 'src', type: 'directory', path: 'src' });
      expect(res.body[2]).toMatchObject({ name: 'README.md', type: 'file', size: expect.any(Number) });
      const src = await http(sim).get(`${files}?path=src`).set(AUTH);
      expect(src.body).toEqual([expect.objectContaining({ name: 'index.ts', type: 'file', path: 'src/index.ts' })]);
      const config = await http(sim).get(`${files}?context=config`).set(AUTH);
      expect((config.body as { name: string }[]).map((n) => n.name)).toEqual(['settings.json']);
    });

    it('reads, writes (204), creates (201), moves (204) and deletes (204)', async () => {
      const read = await http(sim).get(`${files}/src/index.ts`).set(AUTH);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ content: expect.stringContaining('hello'), encoding: 'utf-8' });

      expect(
        (
          await http(sim)
            .put(`${files}/src/index.ts`)
            .set(AUTH)
            .send({ content: b64('new') })
        ).status,
      ).toBe(204);
      expect((await http(sim).get(`${files}/src/index.ts`).set(AUTH)).body).toEqual({
        content: 'new',
        encoding: 'utf-8',
      });

      expect((await http(sim).post(`${files}/docs`).set(AUTH).send({ type: 'directory' })).status).toBe(201);
      const created = await http(sim)
        .post(`${files}/docs/a.md`)
        .set(AUTH)
        .send({ type: 'file', content: b64('A') });
      expect(created.status).toBe(201);
      expect((await http(sim).post(`${files}/docs/a.md`).set(AUTH).send({ type: 'file' })).status).toBe(400);

      const moved = await http(sim).patch(`${files}/docs`).set(AUTH).send({ destination: 'guide' });
      expect(moved.status).toBe(204);
      expect((await http(sim).get(`${files}/guide/a.md`).set(AUTH)).body).toEqual({ content: 'A', encoding: 'utf-8' });
      expect((await http(sim).get(`${files}/docs/a.md`).set(AUTH)).status).toBe(404);

      expect((await http(sim).delete(`${files}/guide`).set(AUTH)).status).toBe(204);
      expect((await http(sim).get(`${files}?path=guide`).set(AUTH)).status).toBe(404);
    });

    it('returns binary content as base64 and rejects escaping paths', async () => {
      const binary = Buffer.from([0, 1, 2, 255]).toString('base64');
      await http(sim).put(`${files}/bin.dat`).set(AUTH).send({ content: binary });
      expect((await http(sim).get(`${files}/bin.dat`).set(AUTH)).body).toEqual({ content: binary, encoding: 'base64' });
      expect((await http(sim).get(`${files}?path=../etc`).set(AUTH)).status).toBe(400);
    });

    it('404s for an unknown agent and needs auth', async () => {
      const res = await http(sim).get(`/api/agents/${UNKNOWN_ID}/files`).set(AUTH);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe(`Agent with ID ${UNKNOWN_ID} not found`);
      expect((await http(sim).get(files)).status).toBe(401);
    });
  });

  describe('vcs', () => {
    it('starts clean on main with local and remote branches', async () => {
      const status = await http(sim).get(`${vcs}/status`).set(AUTH);
      expect(status.body).toEqual({
        currentBranch: 'main',
        isClean: true,
        hasUnpushedCommits: false,
        aheadCount: 0,
        behindCount: 0,
        files: [],
      });
      const branches = await http(sim).get(`${vcs}/branches`).set(AUTH);
      expect(branches.body).toEqual([
        expect.objectContaining({ name: 'main', ref: 'refs/heads/main', isCurrent: true, isRemote: false }),
        expect.objectContaining({ name: 'origin/main', isRemote: true, remote: 'origin' }),
      ]);
    });

    it('tracks changes through stage, commit and push', async () => {
      await http(sim)
        .put(`${files}/README.md`)
        .set(AUTH)
        .send({ content: b64('changed\n') });
      await http(sim)
        .post(`${files}/new.txt`)
        .set(AUTH)
        .send({ type: 'file', content: b64('x') });
      let status = (await http(sim).get(`${vcs}/status`).set(AUTH)).body;
      expect(status.isClean).toBe(false);
      expect(status.files).toEqual([
        expect.objectContaining({ path: 'README.md', type: 'unstaged', status: ' M' }),
        expect.objectContaining({ path: 'new.txt', type: 'untracked', status: '??' }),
      ]);

      const diff = await http(sim).get(`${vcs}/diff?path=README.md`).set(AUTH);
      expect(diff.body).toMatchObject({
        path: 'README.md',
        modifiedContent: 'changed\n',
        encoding: 'utf-8',
        isBinary: false,
      });
      expect(diff.body.originalContent).toContain('Simulated');

      expect(
        (
          await http(sim)
            .post(`${vcs}/stage`)
            .set(AUTH)
            .send({ files: ['README.md'] })
        ).status,
      ).toBe(204);
      status = (await http(sim).get(`${vcs}/status`).set(AUTH)).body;
      expect(status.files).toContainEqual(expect.objectContaining({ path: 'README.md', type: 'staged', status: 'M ' }));
      expect((await http(sim).post(`${vcs}/unstage`).set(AUTH).send({})).status).toBe(204);
      expect((await http(sim).post(`${vcs}/stage`).set(AUTH).send({})).status).toBe(204);
      expect((await http(sim).post(`${vcs}/commit`).set(AUTH).send({ message: 'feat: x' })).status).toBe(204);
      status = (await http(sim).get(`${vcs}/status`).set(AUTH)).body;
      expect(status).toMatchObject({ isClean: true, hasUnpushedCommits: true, aheadCount: 1 });
      expect((await http(sim).post(`${vcs}/commit`).set(AUTH).send({ message: 'again' })).status).toBe(400);

      expect((await http(sim).post(`${vcs}/push`).set(AUTH).send({})).status).toBe(204);
      expect((await http(sim).post(`${vcs}/pull`).set(AUTH)).status).toBe(204);
      expect((await http(sim).post(`${vcs}/fetch`).set(AUTH)).status).toBe(204);
      status = (await http(sim).get(`${vcs}/status`).set(AUTH)).body;
      expect(status).toMatchObject({ hasUnpushedCommits: false, aheadCount: 0 });
    });

    it('creates (201), switches and deletes (204) branches', async () => {
      const created = await http(sim)
        .post(`${vcs}/branches`)
        .set(AUTH)
        .send({ name: 'login', useConventionalPrefix: true, conventionalType: 'fix' });
      expect(created.status).toBe(201);
      expect((await http(sim).post(`${vcs}/branches/fix%2Flogin/switch`).set(AUTH)).status).toBe(204);
      expect((await http(sim).get(`${vcs}/status`).set(AUTH)).body.currentBranch).toBe('fix/login');
      expect((await http(sim).delete(`${vcs}/branches/fix%2Flogin`).set(AUTH)).status).toBe(400);
      expect((await http(sim).post(`${vcs}/rebase`).set(AUTH).send({ branch: 'main' })).status).toBe(204);
      const clean = await http(sim).post(`${vcs}/workspace/prepare-clean`).set(AUTH).send({ baseBranch: 'main' });
      expect(clean.status).toBe(204);
      expect((await http(sim).delete(`${vcs}/branches/fix%2Flogin`).set(AUTH)).status).toBe(204);
      expect((await http(sim).delete(`${vcs}/branches/nope`).set(AUTH)).status).toBe(404);
      const resolve = await http(sim).post(`${vcs}/conflicts/resolve`).set(AUTH).send({ path: 'a', strategy: 'yours' });
      expect(resolve.status).toBe(204);
      expect(
        (await http(sim).post(`${vcs}/conflicts/resolve`).set(AUTH).send({ path: 'a', strategy: 'x' })).status,
      ).toBe(400);
    });
  });

  describe('verify-commands', () => {
    it('echoes results and allows at most 32 commands', async () => {
      const url = files.replace(/files$/, 'automation/verify-commands');
      const res = await http(sim)
        .post(url)
        .set(AUTH)
        .send({ commands: [{ cmd: 'npm test' }, { cmd: 'ls', cwd: 'src' }] });
      expect(res.status).toBe(201);
      expect(res.body.results).toEqual([
        { cmd: 'npm test', exitCode: 0, output: expect.any(String) },
        { cmd: 'ls', exitCode: 0, output: expect.any(String) },
      ]);
      const tooMany = await http(sim)
        .post(url)
        .set(AUTH)
        .send({ commands: Array.from({ length: 33 }, () => ({ cmd: 'true' })) });
      expect(tooMany.status).toBe(400);
    });
  });
});
