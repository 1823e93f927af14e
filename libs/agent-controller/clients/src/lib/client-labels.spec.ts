import { canonicalLabels, mergeLabels, removeLabels } from './client-labels';

describe('client labels', () => {
  it('orders keys alphabetically whatever order they came in', () => {
    expect(Object.keys(canonicalLabels({ zone: 'a', app: 'b', 'example.com/x': 'c' }))).toEqual([
      'app',
      'example.com/x',
      'zone',
    ]);
  });

  it('adds labels on top of the existing ones, the new value winning', () => {
    expect(mergeLabels({ region: 'eu', tier: 'web' }, { region: 'us', team: 'a' })).toEqual({
      labels: { region: 'us', team: 'a', tier: 'web' },
    });
  });

  it('refuses a merge past 20 labels, saying how many it would be', () => {
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`k${index}`, 'v']));
    expect(mergeLabels(twenty, { k0: 'changed' })).toEqual({ labels: { ...twenty, k0: 'changed' } });
    expect(mergeLabels(twenty, { extra: 'v', other: 'v' })).toEqual({ problem: 'would have 22 labels; at most 20' });
  });

  it('removes the named keys and ignores the others', () => {
    expect(removeLabels({ region: 'eu', tier: 'web' }, ['tier', 'missing'])).toEqual({ region: 'eu' });
  });
});
