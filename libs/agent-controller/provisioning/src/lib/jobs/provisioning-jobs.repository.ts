import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { returnedRows } from '@agent-controller/database';
import { JobStatus } from '@agent-controller/shared-contracts';
import { DataSource, EntityManager, In, IsNull, Not } from 'typeorm';
import { ProvisioningJobEntity } from './provisioning-job.entity';

/** Who may see which jobs: everything, or the jobs one user started. */
export type JobVisibility = { kind: 'all' } | { kind: 'owner'; userId: string | null };

@Injectable()
export class ProvisioningJobsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get jobs() {
    return this.dataSource.getRepository(ProvisioningJobEntity);
  }

  insert(values: Partial<ProvisioningJobEntity>): Promise<ProvisioningJobEntity> {
    return this.jobs.save(this.jobs.create(values));
  }

  findById(id: string, { withSecrets = false } = {}): Promise<ProvisioningJobEntity | null> {
    const query = this.jobs.createQueryBuilder('job').where('job.id = :id', { id });
    if (withSecrets) query.addSelect('job.secrets');
    return query.getOne();
  }

  findPage(
    visibility: JobVisibility,
    { limit, offset, status }: { limit: number; offset: number; status?: JobStatus },
  ): Promise<[ProvisioningJobEntity[], number]> {
    const query = this.jobs.createQueryBuilder('job').orderBy('job.created_at', 'DESC').addOrderBy('job.id', 'DESC');
    if (visibility.kind === 'owner') {
      if (visibility.userId === null) query.where('job.created_by IS NULL');
      else query.where('job.created_by = :userId', { userId: visibility.userId });
    }
    if (status) query.andWhere('job.status = :status', { status });
    return query.take(limit).skip(offset).getManyAndCount();
  }

  /** The succeeded job that made this client (its server reference). */
  findByClient(clientId: string): Promise<ProvisioningJobEntity | null> {
    return this.jobs.findOne({ where: { clientId, status: 'succeeded' } });
  }

  /** The jobs whose server still runs a client's remote (one per client at most). */
  findLiveServersOfClients(clientIds: string[]): Promise<ProvisioningJobEntity[]> {
    return this.jobs.find({
      where: { clientId: In(clientIds), serverId: Not(IsNull()), serverDeletedAt: IsNull() },
    });
  }

  async markServerDeleted(jobId: string, at: Date): Promise<void> {
    await this.jobs.update({ id: jobId }, { serverDeletedAt: at });
  }

  /** Servers this controller accounts for: every job whose server was not deleted, and which is live or done. */
  async accountedServerIds(): Promise<Set<string>> {
    const rows = await this.jobs
      .createQueryBuilder('job')
      .select(['job.provider_type AS provider', 'job.server_id AS server'])
      .where('job.server_id IS NOT NULL AND job.server_deleted_at IS NULL')
      .andWhere("(job.status = 'running' OR job.client_id IS NOT NULL)")
      .getRawMany<{ provider: string; server: string }>();
    return new Set(rows.map((row) => `${row.provider}:${row.server}`));
  }

  /**
   * Takes the running jobs nobody holds (never leased, lease expired: their process is gone) for `owner`,
   * atomically, so two replicas never run the same job.
   */
  async claimOrphanedLeases(owner: string, leaseMs: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `UPDATE provisioning_jobs SET lease_owner = $1, lease_expires_at = now() + ($2 || ' milliseconds')::interval
       WHERE id IN (
         SELECT id FROM provisioning_jobs
         WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < now())
         FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [owner, String(leaseMs)],
    );
    return returnedRows<{ id: string }>(rows).map((row) => row.id);
  }

  /**
   * Saves the job only while `owner` still holds its lease, and extends it. False: another process took over.
   * `onFinished` runs in the same transaction when this save ends a running job (once per job).
   */
  async saveLeased(
    job: ProvisioningJobEntity,
    owner: string,
    leaseMs: number,
    onFinished?: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const held = await manager
        .createQueryBuilder(ProvisioningJobEntity, 'job')
        .setLock('pessimistic_write')
        .where('job.id = :id AND job.lease_owner = :owner', { id: job.id, owner })
        .getOne();
      if (!held) return false;
      job.leaseOwner = owner;
      job.leaseExpiresAt = new Date(Date.now() + leaseMs);
      await manager.update(
        ProvisioningJobEntity,
        { id: job.id },
        {
          status: job.status,
          steps: job.steps,
          serverId: job.serverId,
          serverIpv4: job.serverIpv4,
          serverDeletedAt: job.serverDeletedAt,
          clientId: job.clientId,
          warnings: job.warnings,
          error: job.error,
          finishedAt: job.finishedAt,
          leaseOwner: job.leaseOwner,
          // The database's clock, like the claim that compares it: replicas' clocks may differ.
          leaseExpiresAt: () => `now() + make_interval(secs => ${Number(leaseMs) / 1000})`,
        },
      );
      if (held.status === 'running' && job.status !== 'running') await onFinished?.(manager);
      return true;
    });
  }

  /** Lets another process take the job at once (on shutdown). */
  async releaseLeases(owner: string): Promise<void> {
    await this.jobs.update({ leaseOwner: owner }, { leaseExpiresAt: new Date(0) });
  }

  async setBootstrapToken(jobId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.jobs.update({ id: jobId }, { bootstrapTokenHash: tokenHash, bootstrapExpiresAt: expiresAt });
  }

  /** Consumes a bootstrap token: at most once, and only before it expires. */
  async consumeBootstrapToken(jobId: string, tokenHash: string): Promise<ProvisioningJobEntity | null> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const job = await manager
        .createQueryBuilder(ProvisioningJobEntity, 'job')
        .addSelect('job.secrets')
        .setLock('pessimistic_write')
        .where('job.id = :jobId AND job.bootstrap_token_hash = :tokenHash AND job.bootstrap_expires_at > now()', {
          jobId,
          tokenHash,
        })
        .getOne();
      if (!job) return null;
      await manager.update(
        ProvisioningJobEntity,
        { id: jobId },
        { bootstrapTokenHash: null, bootstrapExpiresAt: null },
      );
      return job;
    });
  }

  save(job: ProvisioningJobEntity): Promise<ProvisioningJobEntity> {
    return this.jobs.save(job);
  }
}
