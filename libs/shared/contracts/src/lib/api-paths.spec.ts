import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiPaths } from './api-paths';

/** The committed OpenAPI document, generated from the backend's controllers (drift-checked by the e2e suite). */
const documentedPaths = Object.keys(
  JSON.parse(readFileSync(join(__dirname, '../../../../../apps/agent-controller/openapi.json'), 'utf8')).paths,
);
const documented = documentedPaths.map((path) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`));

/** Every path the builders make, each function called with a sample id per parameter. */
function builtPaths(node: object, trail: string[] = []): [string, string][] {
  return Object.entries(node).flatMap(([key, value]): [string, string][] => {
    const name = [...trail, key].join('.');
    if (typeof value === 'string') return [[name, value]];
    if (typeof value === 'function') {
      const samples = Array.from({ length: value.length }, (_, i) => `sample-${i}`);
      return [[name, value(...samples) as string]];
    }
    return builtPaths(value as object, [...trail, key]);
  });
}

describe('apiPaths', () => {
  const paths = builtPaths(apiPaths);

  it('builds a path for every route the console calls', () => {
    expect(paths.length).toBeGreaterThanOrEqual(35);
  });

  it.each(paths)('%s (%s) is a route of the OpenAPI document', (_name, path) => {
    expect(documented.some((route) => route.test(path))).toBe(true);
  });

  it('encodes ids, so an id cannot reach another route', () => {
    expect(apiPaths.clients.one('a/../b')).toBe('/api/clients/a%2F..%2Fb');
    expect(apiPaths.agents.one('c?x', 'd#y')).toBe('/api/clients/c%3Fx/agents/d%23y');
    expect(apiPaths.clients.user('c', 'r/1')).toBe('/api/clients/c/users/r%2F1');
  });
});
