import { HEALTH_SEVERITY, HEALTH_STRIP_HOURS, HealthState } from '@agent-controller/shared-contracts';

const HOUR_MS = 3_600_000;

/** What one query reads for a client's strip: its states before and during the window, by hour. */
export interface HealthStripSource {
  id: string;
  createdAt: Date;
  /** The state now; the state throughout when nothing changed. */
  current: HealthState;
  /** The state the last change before the window left it in. */
  before: HealthState | null;
  /** The state the first change inside the window started from. */
  firstFrom: HealthState | null;
  /** Hours (0 = the window's first) in which the state changed: every state entered, and the one it ended in. */
  hours: { hour: number; states: HealthState[]; last: HealthState }[];
}

/** The first hour of the strip that ends with the hour `now` falls in. */
export function healthStripStart(now: Date): Date {
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  return new Date(currentHour - (HEALTH_STRIP_HOURS - 1) * HOUR_MS);
}

function worst(states: HealthState[]): HealthState {
  return states.reduce((bad, state) => (HEALTH_SEVERITY[state] > HEALTH_SEVERITY[bad] ? state : bad));
}

/**
 * Each hour's worst state: the state the hour began in and every state entered during it. Hours that ended
 * before the client was added are null.
 */
export function buildHealthStrip(source: HealthStripSource, from: Date): (HealthState | null)[] {
  const changes = new Map(source.hours.map((entry) => [entry.hour, entry]));
  let state = source.before ?? source.firstFrom ?? source.current;
  const cells: (HealthState | null)[] = [];
  for (let hour = 0; hour < HEALTH_STRIP_HOURS; hour++) {
    const hourEnd = from.getTime() + (hour + 1) * HOUR_MS;
    const changed = changes.get(hour);
    cells.push(source.createdAt.getTime() >= hourEnd ? null : worst([state, ...(changed?.states ?? [])]));
    if (changed) state = changed.last;
  }
  return cells;
}
