import { Injectable, OnModuleInit } from '@nestjs/common';
import { AuditService } from '@agent-controller/audit';
import { ClientServer, ClientServers, ClientServerSource } from '@agent-controller/clients';
import { EntityManager } from 'typeorm';
import { CloudProviders } from '../providers/cloud-providers';
import { OrphanServerEntity } from './orphan-server.entity';
import { ProvisioningJobsRepository } from './provisioning-jobs.repository';

/**
 * Tells the clients module which clients run on a server this controller made, and deletes or releases that
 * server when such a client is deleted. Registered with `ClientServers` at start-up (clients cannot import
 * provisioning: provisioning imports clients).
 */
@Injectable()
export class ProvisionedClientServers implements ClientServerSource, OnModuleInit {
  constructor(
    private readonly registry: ClientServers,
    private readonly jobs: ProvisioningJobsRepository,
    private readonly providers: CloudProviders,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async findServers(clientIds: string[]): Promise<Map<string, ClientServer>> {
    const jobs = await this.jobs.findLiveServersOfClients(clientIds);
    return new Map(
      jobs.map((job) => [
        job.clientId as string,
        {
          clientId: job.clientId as string,
          providerType: job.providerType,
          serverId: job.serverId as string,
          serverName: job.serverName,
          jobId: job.id,
        },
      ]),
    );
  }

  /** The cloud first: if it fails the job still says where the server is, and the client stays. */
  async deleteServer(server: ClientServer): Promise<void> {
    await this.providers.get(server.providerType).deleteServer(server.serverId);
    await this.jobs.markServerDeleted(server.jobId, new Date());
    await this.audit.record({
      action: 'provisioning.delete_server',
      targetType: 'client',
      targetId: server.clientId,
      details: {
        jobId: server.jobId,
        providerType: server.providerType,
        serverId: server.serverId,
        serverName: server.serverName,
      },
    });
  }

  /**
   * Listed as an orphan at once (no grace period: the operator chose to keep it). The reconciler then keeps the
   * row up to date, and drops it once the server is gone.
   */
  async keepServer(server: ClientServer, manager: EntityManager): Promise<void> {
    const now = new Date();
    await manager.upsert(
      OrphanServerEntity,
      {
        providerType: server.providerType,
        serverId: server.serverId,
        serverName: server.serverName,
        jobId: server.jobId,
        firstSeenAt: now,
        lastSeenAt: now,
        deletedAt: null,
      },
      ['providerType', 'serverId'],
    );
  }
}
