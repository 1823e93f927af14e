import type { LeaderTask, PeriodicTasks } from '@agent-controller/database';
import { Registry } from 'prom-client';
import { LeaderMetrics } from './leader.metrics';

describe('LeaderMetrics', () => {
  it('reports, when scraped, 1 for each fleet-wide task this replica leads and 0 for the others', async () => {
    const leadership = new Map<LeaderTask, boolean>([
      ['prober', true],
      ['reconciler', false],
    ]);
    const registry = new Registry();
    new LeaderMetrics(registry, { leadership: () => leadership } as unknown as PeriodicTasks);

    const before = await registry.metrics();
    expect(before).toContain('agent_controller_leader{task="prober"} 1');
    expect(before).toContain('agent_controller_leader{task="reconciler"} 0');

    // Another replica took the prober over: the next scrape says so.
    leadership.set('prober', false);
    expect(await registry.metrics()).toContain('agent_controller_leader{task="prober"} 0');
  });
});
