import { ProvisioningJob } from '@agent-controller/shared-contracts';
import { ProvisioningJobEntity } from './provisioning-job.entity';

export function toProvisioningJob(job: ProvisioningJobEntity): ProvisioningJob {
  return {
    id: job.id,
    status: job.status,
    providerType: job.providerType,
    serverType: job.serverType,
    location: job.location,
    clientName: job.clientName,
    steps: job.steps,
    server: job.serverId ? { id: job.serverId, name: job.serverName, ipv4: job.serverIpv4 } : null,
    serverDeleted: job.serverDeletedAt !== null,
    clientId: job.clientId,
    warnings: job.warnings,
    error: job.error,
    createdBy: job.createdBy,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
