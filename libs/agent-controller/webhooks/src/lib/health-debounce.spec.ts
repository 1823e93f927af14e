import { foldHealthChange, PendingHealth, settleHealth } from './health-debounce';

const at = (seconds: number) => new Date(seconds * 1000);
const HOLD = 60_000;

function run(changes: [string, string, number][]): PendingHealth {
  let pending: PendingHealth | null = null;
  for (const [from, to, second] of changes)
    pending = foldHealthChange(pending, { from, to, reason: null, at: at(second) });
  if (!pending) throw new Error('no changes');
  return pending;
}

describe('health debounce', () => {
  it('waits while the new state has not held for the hold time', () => {
    const pending = run([['healthy', 'unreachable', 0]]);
    expect(settleHealth(pending, at(59), HOLD)).toEqual({ kind: 'wait' });
  });

  it('announces one held change with no suppressed ones', () => {
    const pending = run([['healthy', 'unreachable', 0]]);
    expect(settleHealth(pending, at(60), HOLD)).toEqual({
      kind: 'announce',
      from: 'healthy',
      to: 'unreachable',
      reason: null,
      suppressedChanges: 0,
      since: at(0),
    });
  });

  it('drops a flap back to the starting state before it held: nothing to tell', () => {
    const pending = run([
      ['healthy', 'unreachable', 0],
      ['unreachable', 'healthy', 5],
    ]);
    expect(settleHealth(pending, at(100), HOLD)).toEqual({ kind: 'drop' });
  });

  it('restarts the hold at every change, and says how many changes a settled flapping run suppressed', () => {
    const changes: [string, string, number][] = [];
    for (let i = 0; i < 20; i++)
      changes.push(i % 2 === 0 ? ['healthy', 'unreachable', i * 10] : ['unreachable', 'healthy', i * 10]);
    changes.push(['healthy', 'unreachable', 200]);
    const pending = run(changes);
    expect(settleHealth(pending, at(250), HOLD)).toEqual({ kind: 'wait' });
    const settled = settleHealth(pending, at(260), HOLD);
    expect(settled).toMatchObject({ kind: 'announce', from: 'healthy', to: 'unreachable', suppressedChanges: 20 });
  });

  it('keeps the latest reason and the start of the run', () => {
    let pending = foldHealthChange(null, { from: 'healthy', to: 'degraded', reason: 'slow', at: at(0) });
    pending = foldHealthChange(pending, { from: 'degraded', to: 'unreachable', reason: 'refused', at: at(3) });
    expect(pending).toMatchObject({
      from: 'healthy',
      to: 'unreachable',
      reason: 'refused',
      changes: 2,
      firstChangedAt: at(0),
    });
  });
});
