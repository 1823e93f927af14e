import { Injectable } from '@nestjs/common';
import { PeriodicTasks } from '@agent-controller/database';
import { Gauge, Registry } from 'prom-client';

/**
 * `agent_controller_leader{task}`: 1 on the replica that runs a fleet-wide task (the health prober, the orphan
 * reconciler), 0 on the others; summed over the fleet it must be 1. Read when scraped, so it never lags.
 */
@Injectable()
export class LeaderMetrics {
  constructor(registry: Registry, tasks: PeriodicTasks) {
    new Gauge({
      name: 'agent_controller_leader',
      help: 'Whether this replica leads a fleet-wide periodic task (1) or another replica does (0)',
      labelNames: ['task'],
      registers: [registry],
      collect() {
        for (const [task, leads] of tasks.leadership()) this.set({ task }, leads ? 1 : 0);
      },
    });
  }
}
