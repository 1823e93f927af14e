import { setTimeout as sleep } from 'node:timers/promises';
import { FleetEvent } from './fleet-event';
import { FleetEvents } from './fleet-events';

/** The access events a bus delivers, in order (the specs publish only these). */
export function collectAccessEvents(events: FleetEvents): FleetEvent[] {
  const received: FleetEvent[] = [];
  events.on('accessChanged').subscribe((event) => received.push(event));
  events.on('userAccessChanged').subscribe((event) => received.push(event));
  return received;
}

/** Polls until `condition` holds: other connections deliver asynchronously. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
