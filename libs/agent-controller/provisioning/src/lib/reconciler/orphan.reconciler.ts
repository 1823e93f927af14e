import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '@agent-controller/audit';
import { AppConfig, appConfig, DomainError, RequestPrincipal } from '@agent-controller/core';
import { PeriodicTasks } from '@agent-controller/database';
import { OrphanServer } from '@agent-controller/shared-contracts';
import { DataSource, In, IsNull, Not } from 'typeorm';
import { ControllerIdentityService } from '../controller-identity.service';
import { OrphanServerEntity } from '../jobs/orphan-server.entity';
import { ProvisioningJobsRepository } from '../jobs/provisioning-jobs.repository';
import { CloudProviders } from '../providers/cloud-providers';

const FIRST_PASS_AFTER_MS = 10_000;

/**
 * Lists this controller's labelled servers at every configured cloud and reports those that no live job and no
 * client accounts for once they are older than the grace period (a job may be between create and save).
 * With PROVISIONING_DELETE_ORPHANS=true it deletes them. One replica of the fleet runs it (the leader of the
 * `reconciler` task); the embedded database has one process, which always does.
 */
@Injectable()
export class OrphanReconciler implements OnApplicationBootstrap {
  private readonly logger = new Logger('OrphanReconciler');

  constructor(
    private readonly providers: CloudProviders,
    private readonly jobs: ProvisioningJobsRepository,
    private readonly identity: ControllerIdentityService,
    private readonly audit: AuditService,
    private readonly tasks: PeriodicTasks,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.providers.configured().length === 0) return;
    const interval = this.config.provisioning.reconcileIntervalMs;
    // The first pass soon after start, so a leader is elected at once (its gauge shows it) rather than only
    // after a whole interval; the grace period keeps young servers out of it.
    this.tasks.schedule(
      'OrphanReconciler',
      { everyMs: interval, firstAfterMs: Math.min(interval, FIRST_PASS_AFTER_MS), leader: 'reconciler' },
      () => this.reconcile(),
    );
  }

  async listOrphans(principal: RequestPrincipal): Promise<OrphanServer[]> {
    if (!principal.isGlobalAdmin) throw new DomainError('FORBIDDEN', 'Only global admins see orphaned servers');
    const rows = await this.dataSource
      .getRepository(OrphanServerEntity)
      .find({ order: { firstSeenAt: 'DESC', serverId: 'ASC' } });
    return rows.map((row) => ({
      providerType: row.providerType,
      serverId: row.serverId,
      serverName: row.serverName,
      jobId: row.jobId,
      firstSeenAt: row.firstSeenAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      deletedAt: row.deletedAt?.toISOString() ?? null,
    }));
  }

  /** One pass over every configured cloud. */
  async reconcile(): Promise<void> {
    const controllerId = await this.identity.get();
    const startedAt = new Date();
    const orphans = this.dataSource.getRepository(OrphanServerEntity);
    const summary: Record<string, { servers: number; orphans: number; deleted: number; error?: string }> = {};
    // Read once for every cloud: a server made after this read is younger than the grace period anyway.
    const accounted = await this.jobs.accountedServerIds();
    for (const provider of this.providers.configured()) {
      const entry = (summary[provider.type] = { servers: 0, orphans: 0, deleted: 0 } as (typeof summary)[string]);
      try {
        const servers = await provider.listServers(controllerId);
        entry.servers = servers.length;
        for (const server of servers) {
          if (accounted.has(`${provider.type}:${server.id}`)) continue;
          const known = await orphans.findOneBy({ providerType: provider.type, serverId: server.id });
          const old = startedAt.getTime() - server.createdAt.getTime() > this.config.provisioning.orphanGraceMs;
          // A known orphan (e.g. kept when its client was deleted) needs no grace: no job can still claim it.
          if (!old && !known) continue;
          entry.orphans += 1;
          const row =
            known ??
            orphans.create({
              providerType: provider.type,
              serverId: server.id,
              firstSeenAt: startedAt,
              deletedAt: null,
            });
          Object.assign(row, { serverName: server.name, jobId: server.jobId, lastSeenAt: startedAt });
          if (this.config.provisioning.deleteOrphans && !row.deletedAt) {
            await provider.deleteServer(server.id);
            row.deletedAt = new Date();
            entry.deleted += 1;
          }
          if (known) await orphans.save(row);
          else await this.recordNewOrphan(row);
        }
        // Servers that are gone (deleted by hand, or by us earlier) are no longer reported. Judged by this listing,
        // not by when a row was last refreshed: a server kept while this pass ran (its client deleted after the
        // pass read which servers jobs account for) has a row the pass did not refresh, and it still runs.
        const listed = servers.map((server) => server.id);
        await orphans.delete({ providerType: provider.type, serverId: Not(In(listed)), deletedAt: IsNull() });
      } catch (error) {
        entry.error = error instanceof Error ? error.message : String(error);
        this.warn(error);
      }
    }
    await this.audit.recordOutsideTransaction({ action: 'provisioning.reconcile', details: summary });
  }

  /** A newly found orphan is stored and audited (`provisioning.orphan_found`, which webhooks tell) together. */
  private async recordNewOrphan(row: OrphanServerEntity): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.save(OrphanServerEntity, row);
      await this.audit.record(
        {
          action: 'provisioning.orphan_found',
          targetType: 'orphan_server',
          targetId: `${row.providerType}:${row.serverId}`,
          details: {
            providerType: row.providerType,
            serverId: row.serverId,
            serverName: row.serverName,
            jobId: row.jobId,
            firstSeenAt: row.firstSeenAt.toISOString(),
            deleted: row.deletedAt !== null,
          },
        },
        manager,
      );
    });
  }

  private warn(error: unknown): void {
    this.logger.warn({ err: error }, 'Orphan reconciliation failed');
  }
}
