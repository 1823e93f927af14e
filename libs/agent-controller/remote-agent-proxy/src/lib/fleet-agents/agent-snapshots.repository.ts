import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { clientsListedTo, ClientVisibility } from '@agent-controller/clients';
import { ListFleetAgentsQuery } from '@agent-controller/shared-contracts';
import { DataSource } from 'typeorm';
import { SnapshotAgent } from './agent-snapshot.parser';
import { ClientAgentSnapshotEntity } from './client-agent-snapshot.entity';

/** A snapshot row with its client's name, as listed. */
export interface FleetAgentRow {
  clientId: string;
  clientName: string;
  agentId: string;
  name: string;
  description: string | null;
  agentType: string | null;
  containerType: string | null;
  running: boolean | null;
  stateReportedAt: Date | null;
  remoteCreatedAt: Date | null;
  snapshotAt: Date;
}

interface RawFleetAgentRow {
  total_count: string;
  client_id: string | null;
  client_name: string;
  agent_id: string;
  name: string;
  description: string | null;
  agent_type: string | null;
  container_type: string | null;
  running: boolean | null;
  state_reported_at: Date | null;
  remote_created_at: Date | null;
  snapshot_at: Date;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

/** The columns a snapshot refresh writes; the reported running state is kept across refreshes. */
const REFRESHED_COLUMNS = ['name', 'description', 'agent_type', 'container_type', 'remote_created_at', 'snapshot_at'];

@Injectable()
export class AgentSnapshotsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Makes `agents` the client's snapshot, in one transaction: readers see the old snapshot or the new one. Agents
   * still there keep their reported running state. Nothing is written for a client deleted meanwhile (the lock
   * on its row also keeps it from being deleted until this commits).
   */
  async replace(clientId: string, agents: SnapshotAgent[], at: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [client] = await manager.query('SELECT 1 FROM clients WHERE id = $1 FOR KEY SHARE', [clientId]);
      if (!client) return false;
      if (agents.length > 0) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(ClientAgentSnapshotEntity)
          .values(agents.map((agent) => ({ ...agent, clientId, snapshotAt: at })))
          .orUpdate(REFRESHED_COLUMNS, ['client_id', 'agent_id'])
          .execute();
      }
      await manager
        .createQueryBuilder()
        .delete()
        .from(ClientAgentSnapshotEntity)
        .where('client_id = :clientId', { clientId })
        .andWhere('NOT (agent_id = ANY(CAST(:agentIds AS uuid[])))', { agentIds: agents.map((agent) => agent.agentId) })
        .execute();
      return true;
    });
  }

  /** Stores the running state the remote reported for an agent already in the snapshot. */
  async recordRunning(clientId: string, agentId: string, running: boolean, at: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(ClientAgentSnapshotEntity)
      .set({ running, stateReportedAt: at })
      .where('client_id = :clientId AND agent_id = :agentId', { clientId, agentId })
      .execute();
  }

  /**
   * One page of the agents the caller may see and their total, in one statement: the count runs once over the
   * filter, the page walks the name-order index. Ordered by agent name, then client and agent id (stable paging).
   */
  async findPage(visibility: ClientVisibility, query: ListFleetAgentsQuery): Promise<[FleetAgentRow[], number]> {
    const { where, parameters } = this.filter(visibility, query);
    const sql = `
      WITH total AS (
        SELECT COUNT(*) AS n FROM client_agent_snapshots agent JOIN clients client ON client.id = agent.client_id
        WHERE ${where}
      )
      SELECT total.n AS total_count, page.* FROM total LEFT JOIN LATERAL (
        SELECT agent.*, client.name AS client_name
        FROM client_agent_snapshots agent JOIN clients client ON client.id = agent.client_id
        WHERE ${where}
        ORDER BY lower(agent.name), agent.client_id, agent.agent_id
        LIMIT :limit OFFSET :offset
      ) page ON TRUE`;
    const rows = await this.run<RawFleetAgentRow>(sql, { ...parameters, limit: query.limit, offset: query.offset });
    const total = Number(rows[0]?.total_count ?? 0);
    const page = rows.filter((row) => row.client_id !== null);
    return [
      page.map((row) => ({
        clientId: row.client_id as string,
        clientName: row.client_name,
        agentId: row.agent_id,
        name: row.name,
        description: row.description,
        agentType: row.agent_type,
        containerType: row.container_type,
        running: row.running,
        stateReportedAt: row.state_reported_at,
        remoteCreatedAt: row.remote_created_at,
        snapshotAt: row.snapshot_at,
      })),
      total,
    ];
  }

  /** The agent types among the agents the caller may see, with how many of each. */
  async countTypes(visibility: ClientVisibility): Promise<{ agentType: string; count: number }[]> {
    const { where, parameters } = this.filter(visibility, {});
    const rows = await this.run<{ agent_type: string; n: string }>(
      `SELECT agent.agent_type, COUNT(*) AS n
       FROM client_agent_snapshots agent JOIN clients client ON client.id = agent.client_id
       WHERE ${where} AND agent.agent_type IS NOT NULL
       GROUP BY agent.agent_type ORDER BY agent.agent_type`,
      parameters,
    );
    return rows.map((row) => ({ agentType: row.agent_type, count: Number(row.n) }));
  }

  /**
   * The conditions every list applies, in SQL: the caller's visibility (the clients list's rule) and the filters.
   * A search matches the agent's name or description (trigram indexes) or its client's name; the clients matching
   * by name are found first, so each branch can use an index (client_id is the key's prefix).
   */
  private filter(
    visibility: ClientVisibility,
    query: Partial<Pick<ListFleetAgentsQuery, 'search' | 'clientId' | 'agentType'>>,
  ): { where: string; parameters: Record<string, unknown> } {
    const conditions = ['TRUE'];
    const parameters: Record<string, unknown> = {};
    const listed = clientsListedTo(visibility, 'client');
    conditions.push(listed.sql);
    Object.assign(parameters, listed.parameters);
    if (query.clientId) {
      conditions.push('agent.client_id = :clientId');
      parameters['clientId'] = query.clientId;
    }
    if (query.agentType) {
      conditions.push('agent.agent_type = :agentType');
      parameters['agentType'] = query.agentType;
    }
    if (query.search) {
      conditions.push(
        `(agent.name ILIKE :pattern OR agent.description ILIKE :pattern OR agent.client_id = ANY(ARRAY(` +
          `SELECT named.id FROM clients named WHERE named.name ILIKE :pattern)))`,
      );
      parameters['pattern'] = `%${escapeLike(query.search)}%`;
    }
    return { where: conditions.join(' AND '), parameters };
  }

  private run<T>(sql: string, parameters: Record<string, unknown>): Promise<T[]> {
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, parameters, {});
    return this.dataSource.query(query, values);
  }
}
