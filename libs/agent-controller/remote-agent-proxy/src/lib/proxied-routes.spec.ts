import { proxyRouteGroup } from '@agent-controller/metrics';
import { actionOf, PROXIED_ROUTES, ProxiedRoute, remotePath } from './proxied-routes';

const ROWS: ProxiedRoute[] = Object.values(PROXIED_ROUTES).flat();
const byName = (group: keyof typeof PROXIED_ROUTES, name: string) =>
  PROXIED_ROUTES[group].find((route) => route.name === name) as ProxiedRoute;

describe('the table of proxied routes', () => {
  it('has one row per method and path, each below /agents with a metric group of its own', () => {
    expect(new Set(ROWS.map((route) => `${route.method} ${route.path}`)).size).toBe(ROWS.length);
    for (const route of ROWS) {
      expect(route.path).toMatch(/^\/agents(\/|$)/);
      expect(proxyRouteGroup(route.path)).not.toBe('other');
    }
  });

  it('asks read for reads, operate for runs and configure for changes to what an agent is (DESIGN §4)', () => {
    const actions = Object.fromEntries(ROWS.map((route) => [`${route.method} ${route.path}`, actionOf(route)]));
    expect(actions).toMatchObject({
      'GET /agents': 'read',
      'POST /agents/:agentId': 'configure',
      'POST /agents/:agentId/restart': 'operate',
      'POST /agents/:agentId/environment': 'configure',
      'GET /agents/:agentId/environment/count': 'read',
      'POST /agents/:agentId/vcs/push': 'operate',
      'POST /agents/:agentId/deployments/configuration': 'configure',
      'POST /agents/:agentId/deployments/workflows/trigger': 'operate',
      'POST /agents/:agentId/deployments/runs/:runId/cancel': 'operate',
    });
    for (const route of ROWS.filter((row) => row.method === 'GET')) expect(actionOf(route)).toBe('read');
  });

  it('decides the file routes by context: configuration files need configure, app files read or operate', () => {
    const files = PROXIED_ROUTES.files as ProxiedRoute[];
    expect(files.map((route) => [actionOf(route, { context: 'app' }), actionOf(route, { context: 'config' })])).toEqual(
      files.map((route) => [route.method === 'GET' ? 'read' : 'operate', 'configure']),
    );
  });

  it('gives the long time limit to git network operations, command runs and workflow triggers only', () => {
    expect(ROWS.filter((route) => route.timeout === 'long').map((route) => route.name)).toEqual([
      'push',
      'pull',
      'fetchRemote',
      'rebase',
      'prepareCleanWorkspace',
      'verifyCommands',
      'triggerWorkflow',
    ]);
  });
});

describe('remotePath', () => {
  const AGENT = { id: 'c1', agentId: 'a1' };

  it('fills in the parameters URL-encoded and appends the checked query', () => {
    expect(remotePath(byName('agents', 'listAgents'), { id: 'c1' }, { limit: 10, offset: 0 })).toBe(
      '/agents?limit=10&offset=0',
    );
    expect(remotePath(byName('vcs', 'switchBranch'), { ...AGENT, branch: 'feature/x' })).toBe(
      '/agents/a1/vcs/branches/feature%2Fx/switch',
    );
    expect(remotePath(byName('deployments', 'getJobLogs'), { ...AGENT, runId: 'org/repo', jobId: '7 8' }, {})).toBe(
      '/agents/a1/deployments/runs/org%2Frepo/jobs/7%208/logs',
    );
  });

  it('sends a wildcard path as its segments, each encoded', () => {
    expect(
      remotePath(byName('files', 'readFile'), { ...AGENT, path: ['src', 'a b', '#1.ts'] }, { context: 'config' }),
    ).toBe('/agents/a1/files/src/a%20b/%231.ts?context=config');
  });

  it('leaves out query values that were not given or are empty', () => {
    const workflows = byName('deployments', 'listWorkflows');
    expect(remotePath(workflows, { ...AGENT, repositoryId: '42' }, { branch: undefined })).toBe(
      '/agents/a1/deployments/repositories/42/workflows',
    );
    expect(remotePath(byName('files', 'listFiles'), AGENT, { path: '', context: 'app' })).toBe(
      '/agents/a1/files?context=app',
    );
    expect(remotePath(byName('vcs', 'getDiff'), AGENT, { path: 'a&b=c' })).toBe('/agents/a1/vcs/diff?path=a%26b%3Dc');
  });
});
