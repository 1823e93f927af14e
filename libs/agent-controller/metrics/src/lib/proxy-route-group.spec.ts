import { proxyRouteGroup } from './proxy-route-group';

describe('proxyRouteGroup', () => {
  it.each([
    ['/agents?limit=5', 'agents'],
    ['/agents', 'agents'],
    ['/agents/0b7c5a8e-1f7e-4c1e-9d55-0a4a4b0f5b11', 'agents'],
    ['/agents/a1/start', 'lifecycle'],
    ['/agents/a1/stop', 'lifecycle'],
    ['/agents/a1/restart', 'lifecycle'],
    ['/agents/a1/models', 'models'],
    ['/agents/a1/environment?limit=50', 'environment'],
    ['/agents/a1/environment/count', 'environment'],
    ['/agents/a1/files/src/deep/file.ts?context=app', 'files'],
    ['/agents/a1/files?path=&context=config', 'files'],
    ['/agents/a1/vcs/branches/feature%2Fx/switch', 'vcs'],
    ['/agents/a1/automation/verify-commands', 'automation'],
    ['/agents/a1/deployments/runs/7/jobs/9/logs', 'deployments'],
    ['/config', 'config'],
    ['/agents-filters/count', 'filters'],
    ['/configuration-overrides/gitToken', 'configuration'],
  ])('puts %s in %s', (path, group) => {
    expect(proxyRouteGroup(path)).toBe(group);
  });

  it.each([
    '/',
    '',
    '/unknown/route',
    '/agents/a1/unknown',
    '/agents/a1/constructor',
    '/__proto__',
    '/agents/a1/toString',
  ])('puts anything else (%s) in other, so no raw path becomes a label', (path) => {
    expect(proxyRouteGroup(path)).toBe('other');
  });

  it('ignores the query string, even one that looks like a path', () => {
    expect(proxyRouteGroup('/agents?next=/agents/a1/files')).toBe('agents');
  });
});
