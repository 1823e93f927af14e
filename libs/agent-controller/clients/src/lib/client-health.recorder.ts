import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, appConfig, FleetEvents } from '@agent-controller/core';
import { ClientChecksBatch } from './client-checks.batch';
import { ClientEntity } from './client.entity';
import { toClientHealth } from './client.mapper';
import { ClientsRepository } from './clients.repository';
import { CheckResult, ConnectionChecker } from './connection-checker';

/** Runs `work` over `items` with at most `limit` at a time. */
export async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Checks clients and stores the outcome (state, reason, latency, config, history row on change). A change of
 * state is told on the event bus at once, once stored; other checks in batches (live consoles show them).
 */
@Injectable()
export class ClientHealthRecorder implements OnApplicationShutdown {
  private readonly routineChecks = new ClientChecksBatch((checks) =>
    this.events.publish({ type: 'clientsChecked', checks }),
  );

  constructor(
    private readonly clients: ClientsRepository,
    private readonly checker: ConnectionChecker,
    private readonly events: FleetEvents,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onApplicationShutdown(): void {
    this.routineChecks.flush();
  }

  /** One check now (create, verify, rotate): the caller wants the answer as it is. */
  async checkAndRecord(client: ClientEntity): Promise<ClientEntity> {
    return this.record(client, await this.checker.check(client));
  }

  /** A check of credentials that are not stored yet (rotate): the answer only, nothing recorded. */
  check(candidate: ClientEntity): Promise<CheckResult> {
    return this.checker.check(candidate);
  }

  /** Stores the answer of a check made earlier with `check`. */
  recordResult(client: ClientEntity, result: CheckResult): Promise<ClientEntity> {
    return this.record(client, result);
  }

  async checkAndRecordMany(clients: ClientEntity[]): Promise<Map<string, ClientEntity>> {
    const checked = new Map<string, ClientEntity>();
    await forEachLimited(clients, this.config.clients.healthConcurrency, async (client) => {
      checked.set(client.id, await this.checkAndRecord(client));
    });
    return checked;
  }

  /**
   * A background check. One failure does not flip a healthy client: it is confirmed by quick re-checks
   * first, so a dropped packet does not page anyone.
   */
  async probe(client: ClientEntity, confirmations = 2, confirmDelayMs = 1000): Promise<ClientEntity> {
    let result = await this.checker.check(client);
    for (
      let attempt = 0;
      client.healthState === 'healthy' && result.healthState !== 'healthy' && attempt < confirmations;
      attempt++
    ) {
      await sleep(confirmDelayMs);
      result = await this.checker.check(client);
    }
    return this.record(client, result);
  }

  /**
   * A check that threw instead of answering (a bug or an unusable stored value): the remote was not reached.
   * The reason stays generic; the error itself goes to the log, where it cannot leak into API answers.
   */
  recordUnexpectedFailure(client: ClientEntity): Promise<ClientEntity> {
    return this.record(client, {
      healthState: 'unreachable',
      healthReason: 'Health check failed: unexpected error (details in the controller log)',
      healthCheckedAt: new Date(),
      healthLastSeenAt: client.healthLastSeenAt,
      healthLatencyMs: null,
    });
  }

  private async record(client: ClientEntity, result: CheckResult): Promise<ClientEntity> {
    // The remote's status explains a check; it is not a column.
    const update = { ...result };
    delete update.remoteStatus;
    const { changedFrom } = await this.clients.recordHealth(client.id, update);
    Object.assign(client, update);
    if (changedFrom !== undefined) {
      this.routineChecks.drop(client.id);
      this.events.publish({
        type: 'clientHealthChanged',
        clientId: client.id,
        from: changedFrom,
        health: toClientHealth(client),
      });
    } else {
      this.routineChecks.add({ clientId: client.id, health: toClientHealth(client) });
    }
    return client;
  }
}
