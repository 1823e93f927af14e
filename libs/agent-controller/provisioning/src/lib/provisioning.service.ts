import { Inject, Injectable, Logger } from '@nestjs/common';
import { EndpointPolicy } from '@agent-controller/agent-manager-client';
import { AuditService } from '@agent-controller/audit';
import { ClientAccess, ClientsRepository, ClientsService } from '@agent-controller/clients';
import { AppConfig, appConfig, DomainError, RequestPrincipal } from '@agent-controller/core';
import {
  JobStatus,
  Location,
  PROVISIONING_STEPS,
  ProvisioningInfo,
  ProvisionRequest,
  Provider,
  ProviderType,
  ServerType,
} from '@agent-controller/shared-contracts';
import { randomBytes } from 'node:crypto';
import { ProvisioningJobEntity, ProvisioningSecrets } from './jobs/provisioning-job.entity';
import { JobVisibility, ProvisioningJobsRepository } from './jobs/provisioning-jobs.repository';
import { ProvisioningRunner } from './jobs/provisioning.runner';
import { CloudProviders } from './providers/cloud-providers';

const jobNotFound = () => new DomainError('NOT_FOUND', 'Provisioning job not found');

/** Provisioning as the API offers it: catalogues, jobs, and the server behind a provisioned client. */
@Injectable()
export class ProvisioningService {
  private readonly logger = new Logger('Provisioning');

  constructor(
    private readonly providers: CloudProviders,
    private readonly jobs: ProvisioningJobsRepository,
    private readonly runner: ProvisioningRunner,
    private readonly clients: ClientsService,
    private readonly access: ClientAccess,
    private readonly clientRows: ClientsRepository,
    private readonly audit: AuditService,
    private readonly endpoints: EndpointPolicy,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  listProviders(): Provider[] {
    return this.providers.all().map(({ type, displayName, configured }) => ({ type, displayName, configured }));
  }

  async listServerTypes(type: ProviderType, location?: string): Promise<ServerType[]> {
    const types = await this.providers.get(type).listServerTypes(location);
    return types.map((serverType) => ({ ...serverType, memory: serverType.memoryGb, disk: serverType.diskGb }));
  }

  listLocations(type: ProviderType): Promise<Location[]> {
    return this.providers.get(type).listLocations();
  }

  /** Checks everything that can be checked before a cloud call, then starts the job (202). */
  async provision(principal: RequestPrincipal, request: ProvisionRequest): Promise<ProvisioningJobEntity> {
    if (this.config.provisioning.allowedRole === 'admin' && !principal.isGlobalAdmin) {
      throw new DomainError('FORBIDDEN', 'Only global admins may provision servers (PROVISIONING_ALLOWED_ROLE)');
    }
    // Refused before anything is bought: the client the job ends in would refuse it when saved.
    const keycloakAuthServerUrl = request.keycloakAuthServerUrl
      ? await this.endpoints.checkEndpoint(request.keycloakAuthServerUrl, 'keycloakAuthServerUrl')
      : null;
    this.providers.get(request.providerType);
    if (await this.clientRows.nameTaken(request.name)) {
      throw new DomainError('NAME_TAKEN', `A client named ${request.name} already exists`, {
        fields: [{ field: 'name', location: 'body', message: 'already taken' }],
      });
    }
    const secrets: ProvisioningSecrets = {
      apiKey:
        request.authenticationType === 'api_key'
          ? (request.apiKey ?? randomBytes(32).toString('base64url'))
          : undefined,
      keycloakClientSecret: request.keycloakClientSecret,
      gitToken: request.gitToken,
      gitPassword: request.gitPassword,
      gitPrivateKey: request.gitPrivateKey,
      cursorApiKey: request.cursorApiKey,
    };
    const job = await this.jobs.insert({
      status: 'running',
      providerType: request.providerType,
      serverType: request.serverType,
      location: request.location ?? null,
      clientName: request.name,
      serverName: '',
      settings: {
        description: request.description ?? null,
        authenticationType: request.authenticationType,
        agentWsPort: request.agentWsPort ?? this.config.provisioning.agentWsPort,
        keycloakClientId: request.keycloakClientId ?? null,
        keycloakRealm: request.keycloakRealm ?? null,
        keycloakAuthServerUrl,
        gitRepositoryUrl: request.gitRepositoryUrl ?? null,
        gitUsername: request.gitUsername ?? null,
        agentDefaultImage: request.agentDefaultImage ?? null,
        autoEnrichEnabledGlobal: request.autoEnrichEnabledGlobal ?? null,
        autoEnrichVectorMaxCosineDistance: request.autoEnrichVectorMaxCosineDistance ?? null,
      },
      secrets: JSON.stringify(secrets),
      steps: PROVISIONING_STEPS.map((name) => ({
        name,
        status: 'pending',
        attempts: 0,
        startedAt: null,
        finishedAt: null,
        error: null,
      })),
      warnings: [],
      error: null,
      createdBy: principal.userId,
      leaseOwner: this.runner.leaseOwner,
      leaseExpiresAt: new Date(Date.now() + this.runner.leaseDurationMs),
    });
    // Derived from the job id: unique at the cloud, and a valid host name everywhere.
    job.serverName = `agent-manager-${job.id.slice(0, 8)}`;
    await this.jobs.save(job);
    await this.audit.record({
      action: 'provisioning.start',
      targetType: 'provisioning_job',
      targetId: job.id,
      details: {
        providerType: job.providerType,
        serverType: job.serverType,
        location: job.location,
        name: job.clientName,
      },
    });
    this.runner.start(job.id);
    return job;
  }

  listJobs(
    principal: RequestPrincipal,
    query: { limit: number; offset: number; status?: JobStatus },
  ): Promise<[ProvisioningJobEntity[], number]> {
    return this.jobs.findPage(this.visibility(principal), query);
  }

  async getJob(principal: RequestPrincipal, id: string): Promise<ProvisioningJobEntity> {
    const job = await this.jobs.findById(id);
    if (!job || !this.canSee(principal, job)) throw jobNotFound();
    return job;
  }

  /** Read only: where the client's server is, from the job that made it. */
  async info(principal: RequestPrincipal, clientId: string): Promise<ProvisioningInfo> {
    await this.access.authorize(principal, clientId, 'read');
    const { job, serverId } = await this.provisionedBy(clientId);
    const [price, serverStatus] = await Promise.all([this.monthlyPrice(job), this.serverStatus(job, serverId)]);
    return {
      clientId,
      jobId: job.id,
      providerType: job.providerType,
      serverId,
      serverName: job.serverName,
      serverType: job.serverType,
      location: job.location,
      ipv4: job.serverIpv4,
      publicIp: job.serverIpv4,
      serverStatus,
      priceMonthly: price?.priceMonthly ?? null,
      currency: price?.currency ?? null,
      provisionedAt: (job.finishedAt ?? job.createdAt).toISOString(),
    };
  }

  /** Deletes the server first; if the cloud refuses, the client stays (502) so nothing is lost track of. */
  async deprovision(principal: RequestPrincipal, clientId: string): Promise<void> {
    await this.access.authorize(principal, clientId, 'delete_server');
    await this.provisionedBy(clientId);
    await this.clients.deleteClient(principal, clientId, 'delete');
  }

  /** The server's state at its cloud now; best effort like the price. */
  private async serverStatus(job: ProvisioningJobEntity, serverId: string): Promise<string | null> {
    try {
      return (await this.providers.get(job.providerType).getServer(serverId))?.status ?? null;
    } catch (error) {
      this.logger.warn(`No state for ${job.providerType} server ${serverId}: ${(error as Error).message}`);
      return null;
    }
  }

  /**
   * What the server costs per month, from the cloud's price list (prices change, so it is asked, not stored).
   * Best effort: an unconfigured or failing cloud leaves the price unknown instead of hiding where the server is.
   */
  private async monthlyPrice(job: ProvisioningJobEntity): Promise<{ priceMonthly: number; currency: string } | null> {
    try {
      const types = await this.providers.get(job.providerType).listServerTypes(job.location ?? undefined);
      const type = types.find((candidate) => candidate.id === job.serverType);
      return type?.priceMonthly == null ? null : { priceMonthly: type.priceMonthly, currency: type.currency };
    } catch (error) {
      this.logger.warn(`No price for ${job.providerType} ${job.serverType}: ${(error as Error).message}`);
      return null;
    }
  }

  private async provisionedBy(clientId: string): Promise<{ job: ProvisioningJobEntity; serverId: string }> {
    const job = await this.jobs.findByClient(clientId);
    if (!job?.serverId || job.serverDeletedAt) {
      throw new DomainError('NOT_FOUND', 'This client was not provisioned by the controller (or its server is gone)');
    }
    return { job, serverId: job.serverId };
  }

  private visibility(principal: RequestPrincipal): JobVisibility {
    return principal.isGlobalAdmin ? { kind: 'all' } : { kind: 'owner', userId: principal.userId };
  }

  private canSee(principal: RequestPrincipal, job: ProvisioningJobEntity): boolean {
    return principal.isGlobalAdmin || (principal.userId !== null && job.createdBy === principal.userId);
  }
}
