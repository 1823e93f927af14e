import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { returnedRows } from '@agent-controller/database';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

export type AttemptOutcome = 'succeeded' | 'failed';

/**
 * What on-call watches of the webhooks: this replica's attempts by event and outcome and how long receivers took,
 * and, read from the database when scraped (so the same on every replica: take the max, not the sum), the
 * deliveries waiting (`due`: their next attempt is now) and the webhooks disabled after failures.
 */
@Injectable()
export class WebhookMetrics {
  private readonly logger = new Logger('WebhookMetrics');
  private readonly attempts: Counter<'event' | 'outcome'>;
  private readonly duration: Histogram<'outcome'>;

  constructor(registry: Registry, @InjectDataSource() dataSource: DataSource) {
    this.attempts = new Counter({
      name: 'agent_controller_webhook_attempts_total',
      help: 'Webhook delivery attempts this replica made, by event and outcome (2xx: succeeded)',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'agent_controller_webhook_attempt_duration_seconds',
      help: 'How long a webhook receiver took to answer (or to fail), by outcome',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    const logger = this.logger;
    new Gauge({
      name: 'agent_controller_webhook_deliveries_pending',
      help: 'Deliveries not yet succeeded or given up, fleet-wide; due="true": their next attempt is now',
      labelNames: ['due'],
      registers: [registry],
      async collect() {
        // A scrape during a database outage keeps the last values rather than failing the whole page.
        const rows: unknown = await dataSource
          .query(
            `SELECT count(*) FILTER (WHERE next_attempt_at <= now()) AS due, count(*) AS waiting
             FROM webhook_deliveries WHERE status = 'pending'`,
          )
          .catch((error: unknown) => logger.warn({ err: error }, 'Could not count pending webhook deliveries'));
        const [counts] = returnedRows<{ due: string; waiting: string }>(rows ?? []);
        if (!counts) return;
        this.set({ due: 'true' }, Number(counts.due));
        this.set({ due: 'false' }, Number(counts.waiting) - Number(counts.due));
      },
    });
    new Gauge({
      name: 'agent_controller_webhooks_disabled',
      help: 'Webhooks disabled after a run of failed deliveries, fleet-wide (nothing is sent to them until re-enabled)',
      registers: [registry],
      async collect() {
        const rows: unknown = await dataSource
          .query('SELECT count(*) AS disabled FROM webhooks WHERE NOT enabled')
          .catch((error: unknown) => logger.warn({ err: error }, 'Could not count disabled webhooks'));
        const [counts] = returnedRows<{ disabled: string }>(rows ?? []);
        if (counts) this.set(Number(counts.disabled));
      },
    });
  }

  attempted(event: string, outcome: AttemptOutcome, durationMs: number): void {
    this.attempts.inc({ event, outcome });
    this.duration.observe({ outcome }, durationMs / 1000);
  }
}
