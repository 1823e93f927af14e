import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ClientsRepository } from '@agent-controller/clients';
import { PeriodicTasks } from '@agent-controller/database';

const FLUSH_INTERVAL_MS = 5000;

/**
 * Collects which clients were called and writes `lastUsedAt` in one UPDATE every few seconds, not per request.
 * Each replica writes what it saw.
 */
@Injectable()
export class LastUsedTracker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LastUsedTracker');
  private pending = new Set<string>();

  constructor(
    private readonly clients: ClientsRepository,
    private readonly tasks: PeriodicTasks,
  ) {}

  onApplicationBootstrap(): void {
    this.tasks.schedule('LastUsedTracker', { everyMs: FLUSH_INTERVAL_MS }, () => this.flush());
  }

  markUsed(clientId: string): void {
    this.pending.add(clientId);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending = new Set();
    try {
      await this.clients.touchLastUsed(ids, new Date());
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not record last use of clients');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tasks.stop('LastUsedTracker');
    await this.flush();
  }
}
