import { Inject, Injectable } from '@nestjs/common';
import { AgentManagerClient, RemoteCallError } from '@agent-controller/agent-manager-client';
import { AppConfig, appConfig } from '@agent-controller/core';
import { HealthState } from '@agent-controller/shared-contracts';
import { toRemoteTarget } from './client-remote-target';
import { ClientEntity } from './client.entity';
import { HealthUpdate } from './clients.repository';

/** The health to store, and the remote's HTTP status when it answered a check with an error. */
export interface CheckResult extends HealthUpdate {
  remoteStatus?: number;
}

/** Failure kinds where the remote did answer over HTTP, so it was "seen". */
const ANSWERED = new Set(['auth', 'server_error', 'incompatible', 'rejected']);

/**
 * The state a failed check means. Once health has answered, a config call that fails without an answer
 * (or with a 5xx) means the remote is up but only partly working: `degraded`, not `unreachable`.
 */
function stateForFailure(error: RemoteCallError, healthAnswered: boolean): HealthState {
  switch (error.kind) {
    case 'auth':
      return 'auth_failed';
    case 'incompatible':
    case 'rejected':
      return 'incompatible';
    case 'server_error':
      return 'degraded';
    default:
      return healthAnswered ? 'degraded' : 'unreachable';
  }
}

function asRemoteError(error: unknown): RemoteCallError {
  return error instanceof RemoteCallError
    ? error
    : new RemoteCallError('network', (error as Error)?.message ?? String(error));
}

/**
 * Checks one remote the way the contract allows: `GET /api/health` (public), then `GET /api/config` with the
 * client's credentials. The result is a health state with a reason an operator can act on.
 */
@Injectable()
export class ConnectionChecker {
  constructor(
    private readonly agentManager: AgentManagerClient,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async check(client: ClientEntity): Promise<CheckResult> {
    const checkedAt = new Date();
    const target = toRemoteTarget(client);
    const timeout = this.config.clients.healthTimeoutMs;
    let latencyMs: number;
    try {
      latencyMs = (await this.agentManager.getHealth(target, timeout)).latencyMs;
    } catch (caught) {
      const error = asRemoteError(caught);
      return {
        healthState: stateForFailure(error, false),
        healthReason: `Health check failed: ${error.reason}`,
        healthCheckedAt: checkedAt,
        healthLastSeenAt: ANSWERED.has(error.kind) ? checkedAt : client.healthLastSeenAt,
        healthLatencyMs: null,
        ...(error.remoteStatus === undefined ? {} : { remoteStatus: error.remoteStatus }),
      };
    }
    try {
      const remote = await this.agentManager.getConfig(target, timeout);
      const slow = latencyMs > this.config.clients.degradedLatencyMs;
      return {
        healthState: slow ? 'degraded' : 'healthy',
        healthReason: slow
          ? `Slow: answered in ${latencyMs} ms (limit ${this.config.clients.degradedLatencyMs} ms)`
          : null,
        healthCheckedAt: checkedAt,
        healthLastSeenAt: checkedAt,
        healthLatencyMs: latencyMs,
        config: {
          gitRepositoryUrl: remote.data.gitRepositoryUrl ?? null,
          agentTypes: remote.data.agentTypes,
          fetchedAt: checkedAt.toISOString(),
        },
      };
    } catch (caught) {
      const error = asRemoteError(caught);
      return {
        healthState: stateForFailure(error, true),
        healthReason: `Configuration check failed: ${error.reason}`,
        healthCheckedAt: checkedAt,
        healthLastSeenAt: checkedAt,
        healthLatencyMs: latencyMs,
        ...(error.remoteStatus === undefined ? {} : { remoteStatus: error.remoteStatus }),
      };
    }
  }
}
