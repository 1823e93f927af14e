import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { SessionStore } from '@agent-controller/console-core';
import type { ClientUser, Principal } from '@agent-controller/shared-contracts';
import {
  AgentDetailStore,
  DeploymentRun,
  DeploymentsStore,
  EnvironmentStore,
  EnvironmentVariable,
  fileStateLabel,
  GitStore,
  VcsStatus,
} from '@agent-controller/console-agents-data-access';

const CLIENT = '11111111-1111-4111-8111-111111111111';
const AGENT = '22222222-2222-4222-8222-222222222222';
const BASE = `/api/clients/${CLIENT}/agents/${AGENT}`;

/** Lets the store's awaited steps run, so its follow-up requests are issued. */
const settle = () => new Promise((resolve) => setTimeout(resolve));

function setUp<T>(store: Type<T>) {
  TestBed.configureTestingModule({
    providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), store],
  });
  return { store: TestBed.inject(store), http: TestBed.inject(HttpTestingController) };
}

function user(id: string, isGlobalAdmin = false): Principal {
  return {
    kind: 'user',
    isGlobalAdmin,
    authenticationMethod: 'users',
    user: { id, email: `${id}@example.com`, role: 'user', locked: false, createdAt: '', updatedAt: '' },
  };
}

function member(userId: string, role: ClientUser['role']): ClientUser {
  return { id: `rel-${userId}`, userId, email: `${userId}@example.com`, role, createdAt: '' };
}

function variable(id: string, name: string, content = 'v'): EnvironmentVariable {
  return { id, agentId: AGENT, variable: name, content };
}

describe('AgentDetailStore', () => {
  it('offers environment writes to a client admin and not to a client user', async () => {
    for (const [role, allowed] of [
      ['admin', true],
      ['user', false],
      ['creator', true],
    ] as const) {
      TestBed.resetTestingModule();
      const { store, http } = setUp(AgentDetailStore);
      TestBed.inject(SessionStore).principal.set(user('me'));
      const loading = store.load(CLIENT, AGENT);
      // Until the members are read nothing is offered.
      expect(store.canConfigure()).toBe(false);
      http.expectOne(BASE).flush({ id: AGENT, name: 'Ada' });
      http.expectOne(`/api/clients/${CLIENT}/users`).flush([member('someone', 'creator'), member('me', role)]);
      await loading;
      expect(store.agent.value()?.name).toBe('Ada');
      expect(store.relation()).toBe(role);
      expect(store.canConfigure()).toBe(allowed);
    }
  });

  it('does not ask for the members of a global admin, who may configure', async () => {
    const { store, http } = setUp(AgentDetailStore);
    TestBed.inject(SessionStore).principal.set(user('root', true));
    const loading = store.load(CLIENT, AGENT);
    http.expectOne(BASE).flush({ id: AGENT, name: 'Ada' });
    http.expectNone(`/api/clients/${CLIENT}/users`);
    await loading;
    expect(store.canConfigure()).toBe(true);
  });

  it('reports an agent that cannot be read', async () => {
    const { store, http } = setUp(AgentDetailStore);
    TestBed.inject(SessionStore).principal.set(user('root', true));
    const loading = store.load(CLIENT, AGENT);
    http
      .expectOne(BASE)
      .flush({ statusCode: 404, message: 'Agent not found' }, { status: 404, statusText: 'Not Found' });
    await loading;
    expect(store.agent.error()).toBe('Agent not found');
  });
});

describe('EnvironmentStore', () => {
  it('loads the variables, with loading and empty states', async () => {
    const { store, http } = setUp(EnvironmentStore);
    const loading = store.load(CLIENT, AGENT);
    expect(store.variables.loading()).toBe(true);
    http.expectOne(`${BASE}/environment?limit=1000&offset=0`).flush([]);
    await loading;
    expect(store.variables.empty()).toBe(true);
  });

  it('adds, updates with PUT, and deletes a variable, reloading the list after each write', async () => {
    const { store, http } = setUp(EnvironmentStore);
    const loading = store.load(CLIENT, AGENT);
    http.expectOne(`${BASE}/environment?limit=1000&offset=0`).flush([variable('e1', 'FOO')]);
    await loading;

    const adding = store.add({ variable: 'BAR', content: 'x' });
    const post = http.expectOne({ method: 'POST', url: `${BASE}/environment` });
    expect(post.request.body).toEqual({ variable: 'BAR', content: 'x' });
    post.flush(variable('e2', 'BAR', 'x'), { status: 201, statusText: 'Created' });
    await settle();
    http
      .expectOne(`${BASE}/environment?limit=1000&offset=0`)
      .flush([variable('e1', 'FOO'), variable('e2', 'BAR', 'x')]);
    expect(await adding).toBe(true);
    expect(store.actions.notice()).toBe('BAR added');
    expect(store.variables.value()?.map((v) => v.variable)).toEqual(['FOO', 'BAR']);

    const updating = store.update(variable('e1', 'FOO'), { variable: 'FOO', content: 'new' });
    expect(store.actions.busy()).toBe('e1');
    http.expectOne({ method: 'PUT', url: `${BASE}/environment/e1` }).flush(variable('e1', 'FOO', 'new'));
    await settle();
    http.expectOne(`${BASE}/environment?limit=1000&offset=0`).flush([variable('e1', 'FOO', 'new')]);
    expect(await updating).toBe(true);
    expect(store.actions.busy()).toBeNull();

    const removing = store.remove(variable('e1', 'FOO'));
    http.expectOne({ method: 'DELETE', url: `${BASE}/environment/e1` }).flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/environment?limit=1000&offset=0`).flush([]);
    expect(await removing).toBe(true);
    expect(store.actions.notice()).toBe('FOO deleted');
  });

  it('keeps the list and says why a write failed', async () => {
    const { store, http } = setUp(EnvironmentStore);
    const loading = store.load(CLIENT, AGENT);
    http.expectOne(`${BASE}/environment?limit=1000&offset=0`).flush([variable('e1', 'FOO')]);
    await loading;
    const removing = store.removeAll();
    http
      .expectOne({ method: 'DELETE', url: `${BASE}/environment` })
      .flush({ statusCode: 403, message: 'Forbidden' }, { status: 403, statusText: 'Forbidden' });
    expect(await removing).toBe(false);
    http.expectNone(`${BASE}/environment?limit=1000&offset=0`);
    expect(store.actions.notice()).toBe('Deleting the environment variables failed: Forbidden');
    expect(store.variables.value()).toHaveLength(1);
  });
});

const STATUS: VcsStatus = {
  currentBranch: 'main',
  isClean: false,
  hasUnpushedCommits: false,
  aheadCount: 0,
  behindCount: 0,
  files: [
    { path: 'a.ts', status: 'M ', type: 'staged' },
    { path: 'b.ts', status: 'MM', type: 'both' },
    { path: 'c.ts', status: ' M', type: 'unstaged' },
    { path: 'new.ts', status: '??', type: 'untracked' },
  ],
};

describe('GitStore', () => {
  async function loaded() {
    const setup = setUp(GitStore);
    const loading = setup.store.load(CLIENT, AGENT);
    setup.http.expectOne(`${BASE}/vcs/status`).flush(STATUS);
    setup.http.expectOne(`${BASE}/vcs/branches`).flush([
      { name: 'main', ref: 'refs/heads/main', isCurrent: true, isRemote: false, commit: 'c1', message: 'init' },
      {
        name: 'origin/main',
        ref: 'refs/remotes/origin/main',
        isCurrent: false,
        isRemote: true,
        commit: 'c1',
        message: 'init',
      },
    ]);
    await loading;
    return setup;
  }

  it('splits the changes into staged and unstaged (a file changed on both sides is in both)', async () => {
    const { store } = await loaded();
    expect(store.staged().map((file) => file.path)).toEqual(['a.ts', 'b.ts']);
    expect(store.unstaged().map((file) => file.path)).toEqual(['b.ts', 'c.ts', 'new.ts']);
    expect(store.localBranches().map((branch) => branch.name)).toEqual(['main']);
    expect(store.canCommit()).toBe(true);
    expect(fileStateLabel(STATUS.files[1], 'staged')).toBe('modified');
    expect(fileStateLabel(STATUS.files[3], 'unstaged')).toBe('untracked');
  });

  it('stages files and reloads the status', async () => {
    const { store, http } = await loaded();
    const staging = store.stage(['c.ts', 'new.ts']);
    const post = http.expectOne({ method: 'POST', url: `${BASE}/vcs/stage` });
    expect(post.request.body).toEqual({ files: ['c.ts', 'new.ts'] });
    post.flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/vcs/status`).flush({ ...STATUS, files: [] });
    expect(await staging).toBe(true);
    expect(store.actions.notice()).toBe('Staged 2 files');
  });

  it('commits with the message, then reloads status and branches; push the same', async () => {
    const { store, http } = await loaded();
    const committing = store.commit('  Fix the thing  ');
    const commit = http.expectOne({ method: 'POST', url: `${BASE}/vcs/commit` });
    expect(commit.request.body).toEqual({ message: 'Fix the thing' });
    commit.flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/vcs/status`).flush({ ...STATUS, aheadCount: 1, hasUnpushedCommits: true });
    http.expectOne(`${BASE}/vcs/branches`).flush([]);
    expect(await committing).toBe(true);
    expect(store.status.value()?.aheadCount).toBe(1);

    const pushing = store.push();
    http.expectOne({ method: 'POST', url: `${BASE}/vcs/push` }).flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/vcs/status`).flush({ ...STATUS, aheadCount: 0 });
    http.expectOne(`${BASE}/vcs/branches`).flush([]);
    expect(await pushing).toBe(true);
    expect(store.actions.notice()).toBe('Pushed');
  });

  it('reports a refused switch and still reloads the status', async () => {
    const { store, http } = await loaded();
    const switching = store.switchBranch('feature/x');
    http
      .expectOne({ method: 'POST', url: `${BASE}/vcs/branches/feature%2Fx/switch` })
      .flush({ message: 'Working tree has uncommitted changes' }, { status: 400, statusText: 'Bad Request' });
    await settle();
    http.expectOne(`${BASE}/vcs/status`).flush(STATUS);
    http.expectOne(`${BASE}/vcs/branches`).flush([]);
    expect(await switching).toBe(false);
    expect(store.actions.notice()).toBe('Switching to feature/x failed: Working tree has uncommitted changes');
  });

  it('shows the diff of a file', async () => {
    const { store, http } = await loaded();
    const showing = store.showDiff('c.ts');
    http
      .expectOne(`${BASE}/vcs/diff?path=c.ts`)
      .flush({ path: 'c.ts', originalContent: 'a\n', modifiedContent: 'b\n', encoding: 'utf-8', isBinary: false });
    await showing;
    expect(store.diffPath()).toBe('c.ts');
    expect(store.diff.value()?.modifiedContent).toBe('b\n');
  });
});

function run(id: string, status: string, conclusion?: string): DeploymentRun {
  return { id, providerRunId: `9${id}`, runName: 'CI', status, conclusion, ref: 'main' };
}

describe('DeploymentsStore', () => {
  it('is not configured when the remote answers an empty body, and then reads no runs', async () => {
    const { store, http } = setUp(DeploymentsStore);
    const loading = store.load(CLIENT, AGENT);
    http.expectOne(`${BASE}/deployments/configuration`).flush(null);
    await loading;
    expect(store.notConfigured()).toBe(true);
    http.expectNone(`${BASE}/deployments/runs?limit=20&offset=0`);
  });

  it('reads runs and workflows when configured, triggers one and cancels a run after reading it again', async () => {
    const { store, http } = setUp(DeploymentsStore);
    const loading = store.load(CLIENT, AGENT);
    http
      .expectOne(`${BASE}/deployments/configuration`)
      .flush({ id: 'cfg', agentId: AGENT, providerType: 'github', repositoryId: 'acme/app', defaultBranch: 'main' });
    await settle();
    http.expectOne(`${BASE}/deployments/runs?limit=20&offset=0`).flush([]);
    http.expectOne(`${BASE}/deployments/repositories/acme%2Fapp/workflows?branch=main`).flush([
      { id: 'ci.yml', name: 'CI', canTrigger: true },
      { id: 'off.yml', name: 'Off', canTrigger: false },
    ]);
    await loading;
    expect(store.configured()).toBe(true);
    expect(store.runs.empty()).toBe(true);
    expect(store.triggerable().map((workflow) => workflow.id)).toEqual(['ci.yml']);

    const triggering = store.trigger('ci.yml', 'main');
    const trigger = http.expectOne({ method: 'POST', url: `${BASE}/deployments/workflows/trigger` });
    expect(trigger.request.body).toEqual({ workflowId: 'ci.yml', ref: 'main' });
    trigger.flush(run('r1', 'queued'), { status: 201, statusText: 'Created' });
    await settle();
    http.expectOne(`${BASE}/deployments/runs?limit=20&offset=0`).flush([run('r1', 'queued')]);
    expect(await triggering).toBe(true);

    const opening = store.openRun(run('r1', 'queued'));
    http.expectOne(`${BASE}/deployments/runs/r1`).flush(run('r1', 'in_progress'));
    await settle();
    http.expectOne(`${BASE}/deployments/runs/r1/jobs`).flush([{ id: 'j1', name: 'build', status: 'in_progress' }]);
    http.expectOne(`${BASE}/deployments/runs/r1/logs`).flush({ logs: 'building' });
    await opening;
    expect(store.selectedRun()?.status).toBe('in_progress');
    expect(store.runs.value()?.[0].status).toBe('in_progress');
    expect(store.logs.value()).toBe('building');

    const cancelling = store.cancel(run('r1', 'in_progress'));
    http
      .expectOne({ method: 'POST', url: `${BASE}/deployments/runs/r1/cancel` })
      .flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/deployments/runs?limit=20&offset=0`).flush([run('r1', 'completed', 'cancelled')]);
    await settle();
    http.expectOne(`${BASE}/deployments/runs/r1`).flush(run('r1', 'completed', 'cancelled'));
    await settle();
    http.expectOne(`${BASE}/deployments/runs/r1/jobs`).flush([]);
    http.expectOne(`${BASE}/deployments/runs/r1/logs`).flush({ logs: '' });
    expect(await cancelling).toBe(true);
    expect(store.selectedRun()?.conclusion).toBe('cancelled');
  });
});
