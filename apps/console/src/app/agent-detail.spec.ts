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
  parseCommands,
  VcsStatus,
  VerifyCommandsStore,
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
    user: {
      id,
      email: `${id}@example.com`,
      role: 'user',
      locked: false,
      lastSignInAt: null,
      createdAt: '',
      updatedAt: '',
    },
  };
}

function member(userId: string, role: ClientUser['role']): ClientUser {
  const email = `${userId}@example.com`;
  return { id: `rel-${userId}`, userId, email, userEmail: email, role, createdAt: '' };
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
      http
        .expectOne(`/api/clients/${CLIENT}/users?include=creator`)
        .flush([member('someone', 'creator'), member('me', role)]);
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
    http.expectNone(`/api/clients/${CLIENT}/users?include=creator`);
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

describe('AgentDetailStore header actions', () => {
  async function loaded() {
    const setup = setUp(AgentDetailStore);
    TestBed.inject(SessionStore).principal.set(user('root', true));
    const loading = setup.store.load(CLIENT, AGENT);
    setup.http.expectOne(BASE).flush({ id: AGENT, name: 'Ada', description: 'old' });
    await loading;
    return setup;
  }

  it('updates the agent with POST and shows what the remote answers', async () => {
    const { store, http } = await loaded();
    const updating = store.update({ name: 'Grace', description: 'new' });
    expect(store.actions.busy()).toBe('update');
    const post = http.expectOne({ method: 'POST', url: BASE });
    expect(post.request.body).toEqual({ name: 'Grace', description: 'new' });
    post.flush({ id: AGENT, name: 'Grace', description: 'new' }, { status: 201, statusText: 'Created' });
    expect(await updating).toBe(true);
    expect(store.agent.value()?.name).toBe('Grace');
    expect(store.actions.notice()).toBe('Grace saved');
  });

  it('keeps the agent and says why an update was refused', async () => {
    const { store, http } = await loaded();
    const updating = store.update({ name: 'Taken' });
    http
      .expectOne({ method: 'POST', url: BASE })
      .flush({ message: "Agent with name 'Taken' already exists" }, { status: 400, statusText: 'Bad Request' });
    expect(await updating).toBe(false);
    expect(store.agent.value()?.name).toBe('Ada');
    expect(store.actions.notice()).toBe("Saving Ada failed: Agent with name 'Taken' already exists");
  });

  it('stores the credentials with PUT', async () => {
    const { store, http } = await loaded();
    const storing = store.storeCredentials('s3cret');
    const put = http.expectOne({ method: 'PUT', url: `${BASE}/credentials` });
    expect(put.request.body).toEqual({ password: 's3cret' });
    put.flush(null, { status: 204, statusText: '' });
    expect(await storing).toBe(true);
    expect(store.actions.notice()).toBe('Credentials of Ada stored');
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

  it('fetches, then reloads status and branches', async () => {
    const { store, http } = await loaded();
    const fetching = store.fetch();
    http.expectOne({ method: 'POST', url: `${BASE}/vcs/fetch` }).flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/vcs/status`).flush({ ...STATUS, behindCount: 2 });
    http.expectOne(`${BASE}/vcs/branches`).flush([]);
    expect(await fetching).toBe(true);
    expect(store.status.value()?.behindCount).toBe(2);
    expect(store.actions.notice()).toBe('Fetched');
  });

  it('rebases onto a branch and deletes a branch (encoded in the path)', async () => {
    const { store, http } = await loaded();
    const rebasing = store.rebase('main');
    const rebase = http.expectOne({ method: 'POST', url: `${BASE}/vcs/rebase` });
    expect(rebase.request.body).toEqual({ branch: 'main' });
    rebase.flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/vcs/status`).flush(STATUS);
    http.expectOne(`${BASE}/vcs/branches`).flush([]);
    expect(await rebasing).toBe(true);
    expect(store.actions.notice()).toBe('Rebased onto main');

    const deleting = store.deleteBranch('feature/x');
    http
      .expectOne({ method: 'DELETE', url: `${BASE}/vcs/branches/feature%2Fx` })
      .flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/vcs/status`).flush(STATUS);
    http.expectOne(`${BASE}/vcs/branches`).flush([]);
    expect(await deleting).toBe(true);
    expect(store.actions.notice()).toBe('Branch feature/x deleted');
  });

  it('lists conflicted files and resolves one with the chosen strategy', async () => {
    const { store, http } = await loaded();
    const conflicted = {
      ...STATUS,
      files: [
        { path: 'a.ts', status: 'UU', type: 'both' as const },
        { path: 'b.ts', status: 'AA', type: 'both' as const },
        { path: 'c.ts', status: ' M', type: 'unstaged' as const },
      ],
    };
    const reloading = store.loadStatus();
    http.expectOne(`${BASE}/vcs/status`).flush(conflicted);
    await reloading;
    expect(store.conflicts().map((file) => file.path)).toEqual(['a.ts', 'b.ts']);

    const resolving = store.resolveConflict('a.ts', 'mine');
    const resolve = http.expectOne({ method: 'POST', url: `${BASE}/vcs/conflicts/resolve` });
    expect(resolve.request.body).toEqual({ path: 'a.ts', strategy: 'mine' });
    resolve.flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/vcs/status`).flush({ ...conflicted, files: conflicted.files.slice(1) });
    expect(await resolving).toBe(true);
    expect(store.conflicts().map((file) => file.path)).toEqual(['b.ts']);
    expect(store.actions.notice()).toBe('a.ts resolved (kept mine)');
  });

  it('prepares a clean workspace on a base branch', async () => {
    const { store, http } = await loaded();
    const preparing = store.prepareCleanWorkspace('main');
    const post = http.expectOne({ method: 'POST', url: `${BASE}/vcs/workspace/prepare-clean` });
    expect(post.request.body).toEqual({ baseBranch: 'main' });
    post.flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/vcs/status`).flush({ ...STATUS, files: [], isClean: true });
    http.expectOne(`${BASE}/vcs/branches`).flush([]);
    expect(await preparing).toBe(true);
    expect(store.actions.notice()).toBe('Workspace reset to a clean main');
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

describe('DeploymentsStore job logs and configuration', () => {
  async function configured() {
    const setup = setUp(DeploymentsStore);
    const loading = setup.store.load(CLIENT, AGENT);
    setup.http
      .expectOne(`${BASE}/deployments/configuration`)
      .flush({ id: 'cfg', agentId: AGENT, providerType: 'github', repositoryId: 'acme/app' });
    await settle();
    setup.http.expectOne(`${BASE}/deployments/runs?limit=20&offset=0`).flush([run('r1', 'completed', 'success')]);
    setup.http.expectOne(`${BASE}/deployments/repositories/acme%2Fapp/workflows`).flush([]);
    await loading;
    return setup;
  }

  it("reads one job's logs within the open run, and forgets the job when another run opens", async () => {
    const { store, http } = await configured();
    const opening = store.openRun(run('r1', 'completed', 'success'));
    http.expectOne(`${BASE}/deployments/runs/r1`).flush(run('r1', 'completed', 'success'));
    await settle();
    http.expectOne(`${BASE}/deployments/runs/r1/jobs`).flush([{ id: 'j1', name: 'build', status: 'completed' }]);
    http.expectOne(`${BASE}/deployments/runs/r1/logs`).flush({ logs: 'run' });
    await opening;

    const reading = store.openJobLogs({ id: 'j1', name: 'build', status: 'completed' });
    http.expectOne(`${BASE}/deployments/runs/r1/jobs/j1/logs`).flush({ logs: 'job build: completed' });
    await reading;
    expect(store.selectedJob()?.name).toBe('build');
    expect(store.jobLogs.value()).toBe('job build: completed');

    store.closeRun();
    expect(store.selectedJob()).toBeNull();
  });

  it('updates the configuration without providerType, then reads everything again', async () => {
    const { store, http } = await configured();
    const saving = store.saveConfiguration({ providerType: 'github', repositoryId: 'acme/web', providerToken: 't' });
    const post = http.expectOne({ method: 'POST', url: `${BASE}/deployments/configuration` });
    expect(post.request.body).toEqual({ repositoryId: 'acme/web', providerToken: 't' });
    post.flush({ id: 'cfg', agentId: AGENT, providerType: 'github', repositoryId: 'acme/web' });
    await settle();
    http
      .expectOne(`${BASE}/deployments/configuration`)
      .flush({ id: 'cfg', agentId: AGENT, providerType: 'github', repositoryId: 'acme/web' });
    await settle();
    http.expectOne(`${BASE}/deployments/runs?limit=20&offset=0`).flush([]);
    http.expectOne(`${BASE}/deployments/repositories/acme%2Fweb/workflows`).flush([]);
    expect(await saving).toBe(true);
    expect(store.configuration.value()?.repositoryId).toBe('acme/web');
    expect(store.actions.notice()).toBe('Deployment configuration updated');
  });

  it('creates a configuration with its provider, and deletes it', async () => {
    const { store, http } = setUp(DeploymentsStore);
    const loading = store.load(CLIENT, AGENT);
    http.expectOne(`${BASE}/deployments/configuration`).flush(null);
    await loading;
    const saving = store.saveConfiguration({ providerType: 'gitlab', repositoryId: '42', providerToken: 't' });
    const post = http.expectOne({ method: 'POST', url: `${BASE}/deployments/configuration` });
    expect(post.request.body).toEqual({ providerType: 'gitlab', repositoryId: '42', providerToken: 't' });
    post.flush({ id: 'cfg', agentId: AGENT, providerType: 'gitlab', repositoryId: '42' });
    await settle();
    http
      .expectOne(`${BASE}/deployments/configuration`)
      .flush({ id: 'cfg', agentId: AGENT, providerType: 'gitlab', repositoryId: '42' });
    await settle();
    http.expectOne(`${BASE}/deployments/runs?limit=20&offset=0`).flush([]);
    http.expectOne(`${BASE}/deployments/repositories/42/workflows`).flush([]);
    expect(await saving).toBe(true);

    const deleting = store.deleteConfiguration();
    http
      .expectOne({ method: 'DELETE', url: `${BASE}/deployments/configuration` })
      .flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/deployments/configuration`).flush(null);
    expect(await deleting).toBe(true);
    expect(store.notConfigured()).toBe(true);
  });
});

describe('VerifyCommandsStore', () => {
  it('takes one command per non-blank line and refuses none or more than 32', () => {
    expect(parseCommands('  npm test \n\n npm run lint\n')).toEqual(['npm test', 'npm run lint']);
    const { store } = setUp(VerifyCommandsStore);
    expect(store.problem()).toBe('Enter at least one command.');
    store.text.set(Array.from({ length: 33 }, (_, i) => `echo ${i}`).join('\n'));
    expect(store.problem()).toContain('At most 32');
  });

  it('runs the commands and counts the failed ones', async () => {
    const { store, http } = setUp(VerifyCommandsStore);
    store.init(CLIENT, AGENT);
    store.text.set('npm test\nnpm run lint');
    const running = store.run(60);
    const post = http.expectOne({ method: 'POST', url: `${BASE}/automation/verify-commands` });
    expect(post.request.body).toEqual({ commands: [{ cmd: 'npm test' }, { cmd: 'npm run lint' }], timeoutMs: 60_000 });
    post.flush(
      {
        results: [
          { cmd: 'npm test', exitCode: 0, output: 'ok' },
          { cmd: 'npm run lint', exitCode: 1, output: 'error' },
        ],
      },
      { status: 201, statusText: 'Created' },
    );
    expect(await running).toBe(true);
    expect(store.results.value()).toHaveLength(2);
    expect(store.failed()).toBe(1);
  });

  it('reports commands that could not be run', async () => {
    const { store, http } = setUp(VerifyCommandsStore);
    store.init(CLIENT, AGENT);
    store.text.set('make');
    const running = store.run();
    http
      .expectOne({ method: 'POST', url: `${BASE}/automation/verify-commands` })
      .flush({ message: 'Agent has no associated container' }, { status: 404, statusText: 'Not Found' });
    expect(await running).toBe(false);
    expect(store.results.error()).toBe('Agent has no associated container');
  });
});
