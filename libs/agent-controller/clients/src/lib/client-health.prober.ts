import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, appConfig } from '@agent-controller/core';
import { isDatabaseUnavailable } from '@agent-controller/database';
import { DataSource, QueryRunner } from 'typeorm';
import { ClientEntity } from './client.entity';
import { ClientsRepository } from './clients.repository';
import { ClientHealthRecorder, forEachLimited } from './client-health.recorder';

// Any fixed number; the same in every replica.
const PROBER_LOCK_ID = 715_204_982;
const MAX_BATCH = 500;

/**
 * Checks every active client in the background, about once per `CLIENT_HEALTH_INTERVAL` (with jitter so
 * checks spread out). With several replicas on one PostgreSQL server only the holder of an advisory lock
 * probes; the embedded database has one process, so it always does.
 */
@Injectable()
export class ClientHealthProber implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ClientHealthProber');
  private timer?: NodeJS.Timeout;
  private leaderConnection?: QueryRunner;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly clients: ClientsRepository,
    private readonly recorder: ClientHealthRecorder,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(Math.min(1000, this.config.clients.healthIntervalMs));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.leaderConnection?.release().catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: unknown) => {
          // An outage ends the round; the next one runs on schedule and finds the database back.
          if (isDatabaseUnavailable(error))
            this.logger.warn({ cause: String(error) }, 'Health probe round skipped: database unavailable');
          else this.logger.error({ err: error }, 'Health probe round failed');
        })
        .finally(() => {
          const interval = this.config.clients.healthIntervalMs;
          // Half the interval, ±20 %: a client becomes due once per interval and waits at most half of one.
          this.schedule((interval / 2) * (0.8 + Math.random() * 0.4));
        });
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (!(await this.isLeader())) return;
    const interval = this.config.clients.healthIntervalMs;
    const due = await this.clients.findDueForCheck(new Date(Date.now() - interval * 0.9), MAX_BATCH);
    await forEachLimited(due, this.config.clients.healthConcurrency, (client) => this.probeOne(client));
  }

  /** One client's check; whatever it throws is logged and recorded, so the round goes on with the next. */
  private async probeOne(client: ClientEntity): Promise<void> {
    if (this.stopped) return;
    const before = client.healthState;
    try {
      const after = await this.recorder.probe(client, 2, Math.min(1000, this.config.clients.healthIntervalMs / 4));
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
    }
  }

  /** Holds a session-level advisory lock on a dedicated connection for as long as this process is leader. */
  private async isLeader(): Promise<boolean> {
    if (this.config.database.kind === 'embedded') return true;
    if (this.leaderConnection) {
      // A dropped connection loses the lock with it: then compete again.
      const alive = await this.leaderConnection.query('SELECT 1').then(
        () => true,
        () => false,
      );
      if (alive) return true;
      await this.leaderConnection.release().catch(() => undefined);
      this.leaderConnection = undefined;
    }
    const connection = this.dataSource.createQueryRunner();
    try {
      const [{ locked }] = await connection.query('SELECT pg_try_advisory_lock($1) AS locked', [PROBER_LOCK_ID]);
      if (locked) {
        this.leaderConnection = connection;
        return true;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not take the prober lock');
    }
    await connection.release().catch(() => undefined);
    return false;
  }
}
