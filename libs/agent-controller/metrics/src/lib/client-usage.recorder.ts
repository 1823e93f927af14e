import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, appConfig } from '@agent-controller/core';
import { PeriodicTasks } from '@agent-controller/database';
import { ClientUsageRepository, UsageIncrement } from './client-usage.repository';
import { addLatencyBuckets, emptyLatencyBuckets, latencyBucketIndex } from './latency-buckets';
import { HOUR_MS, startOfHour, USAGE_RETENTION_MS } from './usage-hours';

/**
 * Sums proxied calls per client and hour in memory and adds them to `client_usage_hourly` every few seconds
 * and on shutdown: one statement per flush, not one per request; each replica adds what it counted. Once an
 * hour it also deletes rows past retention (every replica does; deleting twice is harmless).
 */
@Injectable()
export class ClientUsageRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ClientUsageRecorder');
  private pending = new Map<string, UsageIncrement>();
  private lastPrunedAt = Number.NEGATIVE_INFINITY;
  /** Flushes run one after another, so the one on shutdown also waits for a flush in progress. */
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly usage: ClientUsageRepository,
    private readonly tasks: PeriodicTasks,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.tasks.schedule('ClientUsageRecorder', { everyMs: this.config.metrics.usageFlushIntervalMs }, () =>
      this.flush(),
    );
  }

  record(clientId: string, durationMs: number, isError: boolean, at = new Date()): void {
    const latencyBuckets = emptyLatencyBuckets();
    latencyBuckets[latencyBucketIndex(durationMs)] = 1;
    this.add({ clientId, hour: startOfHour(at), requests: 1, errors: isError ? 1 : 0, latencyBuckets });
  }

  flush(now = new Date()): Promise<void> {
    this.flushing = this.flushing.then(() => this.write(now));
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tasks.stop('ClientUsageRecorder');
    await this.flush();
  }

  private add(increment: UsageIncrement): void {
    const key = `${increment.clientId}/${increment.hour.getTime()}`;
    const pending = this.pending.get(key);
    if (!pending) {
      this.pending.set(key, { ...increment, latencyBuckets: [...increment.latencyBuckets] });
      return;
    }
    pending.requests += increment.requests;
    pending.errors += increment.errors;
    addLatencyBuckets(pending.latencyBuckets, increment.latencyBuckets);
  }

  private async write(now: Date): Promise<void> {
    const increments = [...this.pending.values()];
    this.pending = new Map();
    if (increments.length > 0) {
      try {
        await this.usage.addIncrements(increments);
      } catch (error) {
        // Kept for the next flush, so a database outage of a few seconds loses no counts.
        this.logger.warn({ err: error }, 'Could not write client usage; retrying with the next flush');
        const cutoff = now.getTime() - USAGE_RETENTION_MS;
        for (const increment of increments) if (increment.hour.getTime() >= cutoff) this.add(increment);
        return;
      }
    }
    if (now.getTime() - this.lastPrunedAt >= HOUR_MS) {
      this.lastPrunedAt = now.getTime();
      await this.usage.deleteBefore(new Date(now.getTime() - USAGE_RETENTION_MS)).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'Could not delete old client usage');
      });
    }
  }
}
