import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, appConfig } from '@agent-controller/core';
import { PeriodicTasks } from '@agent-controller/database';
import { ClientEntity } from './client.entity';
import { ClientsRepository } from './clients.repository';
import { ClientHealthRecorder, forEachLimited } from './client-health.recorder';
import { ClientProbeFollowUps } from './client-probe-follow-ups';

const MAX_BATCH = 500;

/**
 * Checks every active client in the background, about once per `CLIENT_HEALTH_INTERVAL`. One replica of the
 * fleet probes (the leader of the `prober` task); the embedded database has one process, which always does.
 */
@Injectable()
export class ClientHealthProber implements OnApplicationBootstrap {
  private readonly logger = new Logger('ClientHealthProber');

  constructor(
    private readonly clients: ClientsRepository,
    private readonly recorder: ClientHealthRecorder,
    private readonly tasks: PeriodicTasks,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly followUps: ClientProbeFollowUps,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.clients.healthIntervalMs;
    // Every half interval: a client becomes due once per interval and waits at most half of one, and when the
    // leader dies another replica takes over within half an interval.
    this.tasks.schedule(
      'ClientHealthProber',
      { everyMs: interval / 2, firstAfterMs: Math.min(1000, interval), leader: 'prober' },
      (signal) => this.probeDue(signal),
    );
  }

  private async probeDue(signal: AbortSignal): Promise<void> {
    const interval = this.config.clients.healthIntervalMs;
    const due = await this.clients.findDueForCheck(new Date(Date.now() - interval * 0.9), MAX_BATCH);
    await forEachLimited(due, this.config.clients.healthConcurrency, (client) => this.probeOne(client, signal));
  }

  /**
   * One client's check, then (when healthy) the follow-ups such as the agents snapshot, in the same lane; whatever
   * it throws is logged and recorded, so the round goes on with the next.
   */
  private async probeOne(client: ClientEntity, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const before = client.healthState;
    let after: ClientEntity;
    try {
      after = await this.recorder.probe(client, 2, Math.min(1000, this.config.clients.healthIntervalMs / 4));
      if (after.healthState !== before) {
        this.logger.log(
          `Client ${client.id} (${client.name}) is now ${after.healthState}${after.healthReason ? `: ${after.healthReason}` : ''}`,
        );
      }
    } catch (error) {
      this.logger.error({ err: error, clientId: client.id }, `Health probe of client ${client.id} failed`);
      await this.recorder
        .recordUnexpectedFailure(client)
        .catch((recordError: unknown) =>
          this.logger.error({ err: recordError, clientId: client.id }, 'Could not record the failed health probe'),
        );
      return;
    }
    if (after.healthState === 'healthy') await this.followUps.afterHealthy(after, signal);
  }
}
