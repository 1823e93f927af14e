import type { Authenticator } from './auth';
import type { ConfigStore } from './config-store';
import type { FaultController, FaultSettings, TimerRegistry } from './faults';
import type { ResolvedOptions } from './options';
import type { Throttler } from './rate-limit';
import type { SimulatorState } from './state';

/** Request counters for `GET /_simulator/state` (API and control requests alike). */
export interface RequestStats {
  total: number;
  byStatus: Record<string, number>;
}

/** Everything the routes share. One per simulator instance; nothing is global. */
export interface SimulatorContext {
  options: ResolvedOptions;
  state: SimulatorState;
  config: ConfigStore;
  faults: FaultController;
  /** The faults of the start options, restored by a reset. */
  initialFaults: FaultSettings;
  initialConfigOverride: Record<string, unknown> | null;
  throttler: Throttler;
  timers: TimerRegistry;
  authenticate: Authenticator;
  stats: RequestStats;
  /** Set once the Socket.IO server runs (`startSimulator`); used by the control API. */
  sockets?: { dropSockets(): number; readonly connectedCount: number };
}
