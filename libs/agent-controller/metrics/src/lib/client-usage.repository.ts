import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClientVisibility, clientsListedTo } from '@agent-controller/clients';
import { ClientStatus, HealthState, TopUsageOrder } from '@agent-controller/shared-contracts';
import { DataSource, LessThan, MoreThanOrEqual } from 'typeorm';
import { ClientUsageHourlyEntity } from './client-usage-hourly.entity';

/** What one replica counted for one client and hour since its last flush. */
export interface UsageIncrement {
  clientId: string;
  hour: Date;
  requests: number;
  errors: number;
  latencyBuckets: number[];
}

/** One client's calls summed over a window, with what the ranking shows of the client. */
export interface ClientUsageTotal {
  id: string;
  name: string;
  health: HealthState;
  status: ClientStatus;
  requests: number;
  errors: number;
}

/** Five parameters a row: well below PostgreSQL's 65535 parameters a statement. */
const ROWS_PER_STATEMENT = 1000;

@Injectable()
export class ClientUsageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds the increments to the stored rows (creating missing ones) in one statement per 1000 rows: counts and
   * buckets are summed in SQL, so concurrent replicas never overwrite each other. Rows of clients deleted since
   * the calls are skipped, so one deleted client cannot fail the whole batch on the foreign key.
   */
  async addIncrements(increments: UsageIncrement[]): Promise<void> {
    for (let start = 0; start < increments.length; start += ROWS_PER_STATEMENT) {
      const parameters: unknown[] = [];
      const rows = increments.slice(start, start + ROWS_PER_STATEMENT).map((increment) => {
        // The first of the five placeholders this row adds.
        const n =
          parameters.push(
            increment.clientId,
            increment.hour,
            increment.requests,
            increment.errors,
            increment.latencyBuckets,
          ) - 4;
        return `($${n}::uuid, $${n + 1}::timestamptz, $${n + 2}::int, $${n + 3}::int, $${n + 4}::int[])`;
      });
      await this.dataSource.query(
        `INSERT INTO client_usage_hourly (client_id, hour, requests, errors, latency_buckets)
         SELECT added.* FROM (VALUES ${rows.join(', ')}) AS added (client_id, hour, requests, errors, latency_buckets)
         WHERE EXISTS (SELECT 1 FROM clients WHERE clients.id = added.client_id)
         ON CONFLICT (client_id, hour) DO UPDATE SET
           requests = client_usage_hourly.requests + EXCLUDED.requests,
           errors = client_usage_hourly.errors + EXCLUDED.errors,
           latency_buckets = ARRAY(
             SELECT COALESCE(stored, 0) + COALESCE(more, 0)
             FROM unnest(client_usage_hourly.latency_buckets, EXCLUDED.latency_buckets)
               WITH ORDINALITY AS bucket (stored, more, position)
             ORDER BY position
           )`,
        parameters,
      );
    }
  }

  /** The client's rows from `from` on, oldest first. */
  findSince(clientId: string, from: Date): Promise<ClientUsageHourlyEntity[]> {
    return this.dataSource.getRepository(ClientUsageHourlyEntity).find({
      where: { clientId, hour: MoreThanOrEqual(from) },
      order: { hour: 'ASC' },
    });
  }

  /**
   * The clients with the most calls (or errors) from `from` on, among those `visibility` lets the caller see: one
   * aggregate over the hourly rows, ranked and cut in SQL. Clients without any of the ranked count are left out.
   */
  async findTop(
    visibility: ClientVisibility,
    from: Date,
    by: TopUsageOrder,
    limit: number,
  ): Promise<ClientUsageTotal[]> {
    // `by` is one of two column names (checked by the query schema), never caller text.
    const tieBreak = by === 'requests' ? 'errors' : 'requests';
    const listed = clientsListedTo(visibility, 'client');
    const sql = `
      SELECT client.id, client.name, client.health_state AS health, client.status,
        SUM(hourly.requests) AS requests, SUM(hourly.errors) AS errors
      FROM client_usage_hourly hourly JOIN clients client ON client.id = hourly.client_id
      WHERE hourly.hour >= :from AND ${listed.sql}
      GROUP BY client.id
      HAVING SUM(hourly.${by}) > 0
      ORDER BY SUM(hourly.${by}) DESC, SUM(hourly.${tieBreak}) DESC, client.id
      LIMIT :limit`;
    const [query, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      sql,
      { from, limit, ...listed.parameters },
      {},
    );
    const rows: (Omit<ClientUsageTotal, 'requests' | 'errors'> & { requests: string; errors: string })[] =
      await this.dataSource.query(query, parameters);
    // SUM of int is bigint, which the driver hands over as text.
    return rows.map((row) => ({ ...row, requests: Number(row.requests), errors: Number(row.errors) }));
  }

  async deleteBefore(cutoff: Date): Promise<void> {
    await this.dataSource.getRepository(ClientUsageHourlyEntity).delete({ hour: LessThan(cutoff) });
  }
}
