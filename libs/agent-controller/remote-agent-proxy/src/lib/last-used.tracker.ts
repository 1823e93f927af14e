import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ClientsRepository } from '@agent-controller/clients';

const FLUSH_INTERVAL_MS = 5000;

/** Collects which clients were called and writes `lastUsedAt` in one UPDATE every few seconds, not per request. */
@Injectable()
export class LastUsedTracker implements OnApplicationShutdown {
  private readonly logger = new Logger('LastUsedTracker');
  private pending = new Set<string>();
  private readonly timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS).unref();

  constructor(private readonly clients: ClientsRepository) {}

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
    clearInterval(this.timer);
    await this.flush();
  }
}
