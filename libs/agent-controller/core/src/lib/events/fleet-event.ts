import { ClientHealth, HealthState, ProvisioningJob } from '@agent-controller/shared-contracts';

/**
 * What one part of the controller tells the others (DESIGN §8), on every replica. Plain JSON: with Redis the
 * event crosses to the other replicas as text.
 */
export type FleetEvent =
  /** A provisioning job changed (a step started, progressed, ended); its owner's sockets are told. */
  | { type: 'provisioningProgress'; job: ProvisioningJob }
  /** A health check found a client in another state than the last one. */
  | { type: 'clientHealthChanged'; clientId: string; from: HealthState; health: ClientHealth }
  /**
   * Checks that found clients in the state they were in (new check time, latency, reason), gathered for about a
   * second so a fleet's routine probes make few small events (PostgreSQL NOTIFY carries at most 8000 bytes).
   */
  | { type: 'clientsChecked'; checks: { clientId: string; health: ClientHealth }[] }
  /** A client was registered (committed); who may see it reads the row. */
  | { type: 'clientCreated'; clientId: string }
  /**
   * Who may use a client changed: a member removed or given another role (`userId`), or the client deactivated
   * or deleted (no `userId`: everyone linked to it).
   */
  | { type: 'accessChanged'; clientId: string; userId?: string }
  /**
   * A client's row changed without narrowing who may use it (endpoint, credentials, name, activated): caches of
   * the row are dropped; open links are not re-checked.
   */
  | { type: 'clientChanged'; clientId: string }
  /** A user was locked, deleted, given another role or a new password: their sessions must be checked again. */
  | { type: 'userAccessChanged'; userId: string };

export type FleetEventType = FleetEvent['type'];
export type FleetEventOf<T extends FleetEventType> = Extract<FleetEvent, { type: T }>;
