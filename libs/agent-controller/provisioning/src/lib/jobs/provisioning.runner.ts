import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AgentManagerClient } from '@agent-controller/agent-manager-client';
import { AuditService } from '@agent-controller/audit';
import { ClientsRepository, ClientsService, toRemoteTarget } from '@agent-controller/clients';
import {
  AppConfig,
  appConfig,
  DomainError,
  FleetEvents,
  RequestPrincipal,
  runWithRequestContext,
} from '@agent-controller/core';
import { isDatabaseUnavailable, PeriodicTasks } from '@agent-controller/database';
import { PROVISIONING_STEPS, ProvisioningStep, ProvisioningStepName } from '@agent-controller/shared-contracts';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { ControllerIdentityService } from '../controller-identity.service';
import { createServerOnce } from './create-server-once';
import { CloudProvider } from '../providers/cloud-provider';
import { CloudProviders } from '../providers/cloud-providers';
import { ProvisioningJobEntity, ProvisioningSecrets } from './provisioning-job.entity';
import { toProvisioningJob } from './provisioning-job.mapper';
import { ProvisioningJobsRepository } from './provisioning-jobs.repository';
import { ServerUserData } from './server-user-data';

// Each attempt is itself retried by the HTTP client (429/5xx); this covers longer cloud trouble.
const DELETE_ATTEMPTS = 2;
// Creates sent at most when their answers are lost and the cloud shows no server of the job.
const CREATE_ATTEMPTS = 3;

/** A step gave up: the job fails with this reason (and the server, if any, is deleted). */
class StepFailure extends Error {}

/** Another process took the job over; this one stops touching it. */
class LeaseLost extends Error {}

/**
 * Runs provisioning jobs step by step (create_server → server_running → agent_manager_healthy →
 * client_registered), saving after every change under a lease so exactly one process runs a job and any
 * replica resumes it after a restart. Every replica looks for jobs whose lease ran out twice per lease period,
 * so a job whose replica died resumes elsewhere at most half a lease period after its lease ends. A failure
 * after the server exists deletes the server.
 */
@Injectable()
export class ProvisioningRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ProvisioningRunner');
  private readonly owner = `runner-${randomUUID()}`;
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly jobs: ProvisioningJobsRepository,
    private readonly providers: CloudProviders,
    private readonly identity: ControllerIdentityService,
    private readonly userData: ServerUserData,
    private readonly agentManager: AgentManagerClient,
    private readonly clients: ClientsService,
    private readonly clientRows: ClientsRepository,
    private readonly events: FleetEvents,
    private readonly tasks: PeriodicTasks,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  private get leaseMs(): number {
    return Math.max(5_000, this.config.provisioning.pollIntervalMs * 4);
  }

  onApplicationBootstrap(): void {
    this.tasks.schedule('ProvisioningRunner', { everyMs: this.leaseMs / 2, firstAfterMs: 0 }, () => this.claimAndRun());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.tasks.stop('ProvisioningRunner');
    // Jobs stop at their next step boundary or poll; the lease is handed back so a new process resumes at once.
    await Promise.allSettled(this.running.values());
    await this.jobs.releaseLeases(this.owner).catch(() => undefined);
  }

  /** Starts a job this process has just created (its lease is already ours). */
  start(jobId: string): void {
    this.launch(jobId);
  }

  get leaseOwner(): string {
    return this.owner;
  }

  get leaseDurationMs(): number {
    return this.leaseMs;
  }

  /** Picks up running jobs whose process is gone (restart, crash) and runs them here. */
  private async claimAndRun(): Promise<void> {
    if (this.stopping) return;
    for (const id of await this.jobs.claimOrphanedLeases(this.owner, this.leaseMs)) {
      this.logger.log({ jobId: id }, 'Resuming provisioning job');
      this.launch(id);
    }
  }

  private launch(jobId: string): void {
    if (this.running.has(jobId)) return;
    const run = this.run(jobId)
      .catch((error: unknown) => this.logger.error({ err: error, jobId }, 'Provisioning job crashed'))
      .finally(() => this.running.delete(jobId));
    this.running.set(jobId, run);
  }

  private async run(jobId: string): Promise<void> {
    const job = await this.jobs.findById(jobId, { withSecrets: true });
    if (!job || job.status !== 'running') return;
    const secrets = JSON.parse(job.secrets) as ProvisioningSecrets;
    const principal = ownerOf(job);
    await runWithRequestContext({ requestId: `provisioning-${job.id}`, ip: null, principal }, async () => {
      try {
        for (const name of PROVISIONING_STEPS) {
          const step = job.steps.find((candidate) => candidate.name === name);
          if (!step || step.status === 'succeeded') continue;
          if (this.stopping) return;
          await this.runStep(job, name, secrets);
        }
        job.status = 'succeeded';
        job.finishedAt = new Date();
        await this.save(job);
      } catch (error) {
        if (error instanceof LeaseLost || this.stopping) return;
        if (isDatabaseUnavailable(error)) {
          // Not the job's fault: it stays running in the database, and once its lease runs out it is claimed
          // again (here or by another replica) and resumes at the step it was on.
          this.logger.warn({ jobId: job.id, cause: String(error) }, 'Provisioning job paused: database unavailable');
          return;
        }
        await this.fail(job, error);
      }
    });
  }

  private async runStep(job: ProvisioningJobEntity, name: ProvisioningStepName, secrets: ProvisioningSecrets) {
    const step = stepOf(job, name);
    step.status = 'running';
    step.startedAt ??= new Date().toISOString();
    step.error = null;
    await this.save(job);
    try {
      switch (name) {
        case 'create_server':
          await this.createServer(job, secrets);
          break;
        case 'server_running':
          await this.waitUntilRunning(job);
          break;
        case 'agent_manager_healthy':
          await this.waitUntilHealthy(job, secrets);
          break;
        case 'client_registered':
          await this.registerClient(job, secrets);
          break;
      }
      step.status = 'succeeded';
      step.finishedAt = new Date().toISOString();
      await this.save(job);
    } catch (error) {
      if (error instanceof LeaseLost || this.stopping || isDatabaseUnavailable(error)) throw error;
      step.status = 'failed';
      step.finishedAt = new Date().toISOString();
      step.error = reasonOf(error);
      throw error;
    }
  }

  private countAttempt(job: ProvisioningJobEntity, name: ProvisioningStepName): void {
    stepOf(job, name).attempts += 1;
  }

  private async createServer(job: ProvisioningJobEntity, secrets: ProvisioningSecrets): Promise<void> {
    const provider = this.providers.get(job.providerType);
    const labels = { controllerId: await this.identity.get(), jobId: job.id };
    this.countAttempt(job, 'create_server');
    // After a restart the create may have gone through before its answer was saved: find it by its labels.
    const server =
      (await provider.findServerOfJob(labels)) ??
      (await createServerOnce(
        provider,
        {
          name: job.serverName,
          serverType: job.serverType,
          location: job.location,
          userData: (await this.userData.build(job, secrets)).userData,
          labels,
        },
        { attempts: CREATE_ATTEMPTS, settleMs: this.config.provisioning.pollIntervalMs },
      ));
    job.serverId = server.id;
    job.serverIpv4 = server.ipv4;
  }

  private async waitUntilRunning(job: ProvisioningJobEntity): Promise<void> {
    const provider = this.providers.get(job.providerType);
    const serverId = job.serverId;
    if (!serverId) throw new StepFailure('No server was created');
    await this.poll(job, 'server_running', this.config.provisioning.serverTimeoutMs, async () => {
      const server = await provider.getServer(serverId);
      if (!server) throw new StepFailure('The server disappeared at the cloud provider');
      if (server.status === 'failed') throw new StepFailure('The cloud provider reports the server as failed');
      job.serverIpv4 = server.ipv4 ?? job.serverIpv4;
      return server.status === 'running' && server.ipv4 !== null ? true : `server is ${server.status}`;
    });
  }

  /** Ready means the agent-manager answers health and config with the generated credentials. */
  private async waitUntilHealthy(job: ProvisioningJobEntity, secrets: ProvisioningSecrets): Promise<void> {
    const target = this.remoteTarget(job, secrets);
    await this.poll(job, 'agent_manager_healthy', this.config.provisioning.healthTimeoutMs, async () => {
      try {
        await this.agentManager.getHealth(target, 5_000);
        await this.agentManager.getConfig(target, 5_000);
        return true;
      } catch (error) {
        return reasonOf(error);
      }
    });
  }

  private async registerClient(job: ProvisioningJobEntity, secrets: ProvisioningSecrets): Promise<void> {
    this.countAttempt(job, 'client_registered');
    // After a restart the client may exist already (made before its id was saved): take it, do not make another.
    const made = await this.clientRows.findIdByNameAndEndpoint(job.clientName, this.endpointOf(job));
    if (made) {
      job.clientId = made;
      await this.clientRows.markAutoProvisioned(made);
      return;
    }
    const { settings } = job;
    const principal = ownerOf(job);
    const { client } = await this.clients.createClient(
      principal,
      {
        name: job.clientName,
        description: settings.description,
        endpoint: this.endpointOf(job),
        authenticationType: settings.authenticationType,
        ...(settings.authenticationType === 'api_key'
          ? { apiKey: secrets.apiKey }
          : {
              keycloakClientId: settings.keycloakClientId ?? undefined,
              keycloakClientSecret: secrets.keycloakClientSecret,
              keycloakRealm: settings.keycloakRealm ?? undefined,
              keycloakAuthServerUrl: settings.keycloakAuthServerUrl,
            }),
        agentWsPort: settings.agentWsPort,
      },
      { autoProvisioned: true },
    );
    job.clientId = client.id;
  }

  /** Calls `check` every poll interval until it returns true; a string is the latest reason for waiting. */
  private async poll(
    job: ProvisioningJobEntity,
    name: ProvisioningStepName,
    timeoutMs: number,
    check: () => Promise<true | string>,
  ): Promise<void> {
    const step = stepOf(job, name);
    const deadline = Date.parse(step.startedAt ?? new Date().toISOString()) + timeoutMs;
    for (;;) {
      if (this.stopping) throw new LeaseLost();
      step.attempts += 1;
      const result = await check();
      if (result === true) return;
      if (Date.now() >= deadline) {
        throw new StepFailure(`${name} timed out after ${Math.round(timeoutMs / 1000)} s (last: ${result})`);
      }
      await this.save(job);
      await sleep(this.config.provisioning.pollIntervalMs);
    }
  }

  /** Marks the job failed and deletes its server; nothing is left half-made. */
  private async fail(job: ProvisioningJobEntity, error: unknown): Promise<void> {
    job.status = 'failed';
    job.error = reasonOf(error);
    if (job.serverId && !job.serverDeletedAt) {
      const deleted = await this.deleteServer(this.providerOrNull(job), job.serverId);
      if (deleted === true) job.serverDeletedAt = new Date();
      else job.error += `; the server ${job.serverId} could not be deleted (${deleted}): the reconciler reports it`;
    }
    job.finishedAt = new Date();
    await this.save(job).catch((saveError: unknown) =>
      this.logger.error({ err: saveError, jobId: job.id }, 'Could not record the failure of a provisioning job'),
    );
  }

  private providerOrNull(job: ProvisioningJobEntity): CloudProvider | null {
    try {
      return this.providers.get(job.providerType);
    } catch {
      return null;
    }
  }

  private async deleteServer(provider: CloudProvider | null, serverId: string): Promise<true | string> {
    if (!provider) return 'provider not configured';
    let reason = '';
    for (let attempt = 1; attempt <= DELETE_ATTEMPTS; attempt += 1) {
      try {
        await provider.deleteServer(serverId);
        return true;
      } catch (error) {
        reason = reasonOf(error);
        if (attempt < DELETE_ATTEMPTS) await sleep(500 * 2 ** attempt);
      }
    }
    return reason;
  }

  private async save(job: ProvisioningJobEntity): Promise<void> {
    const finished = (manager: EntityManager) =>
      this.audit.record(
        {
          action: job.status === 'succeeded' ? 'provisioning.job_succeeded' : 'provisioning.job_failed',
          targetType: 'provisioning_job',
          targetId: job.id,
          outcome: job.status === 'succeeded' ? 'success' : 'failure',
          details: {
            clientId: job.clientId,
            clientName: job.clientName,
            providerType: job.providerType,
            serverId: job.serverId,
            error: job.error,
          },
        },
        manager,
      );
    if (!(await this.jobs.saveLeased(job, this.owner, this.leaseMs, finished))) throw new LeaseLost();
    this.events.publish({ type: 'provisioningProgress', job: toProvisioningJob(job) });
  }

  private endpointOf(job: ProvisioningJobEntity): string {
    const ip = job.serverIpv4 ?? '';
    return this.config.provisioning.endpointTemplate.replace('{ipDashed}', ip.replace(/\./g, '-')).replace('{ip}', ip);
  }

  /** The agent-manager on the new server, with the credentials the client will have (it is not made yet). */
  private remoteTarget(job: ProvisioningJobEntity, secrets: ProvisioningSecrets) {
    const { settings } = job;
    return toRemoteTarget({
      id: `provisioning-${job.id}`,
      endpoint: this.endpointOf(job),
      authenticationType: settings.authenticationType,
      apiKey: secrets.apiKey ?? null,
      keycloakClientId: settings.keycloakClientId,
      keycloakClientSecret: secrets.keycloakClientSecret ?? null,
      keycloakRealm: settings.keycloakRealm,
      keycloakAuthServerUrl: settings.keycloakAuthServerUrl,
    });
  }
}

function stepOf(job: ProvisioningJobEntity, name: ProvisioningStepName): ProvisioningStep {
  const step = job.steps.find((candidate) => candidate.name === name);
  if (!step) throw new StepFailure(`The job has no step ${name}`);
  return step;
}

/** Who the job acts for: the user who started it (the new client's creator), or the API-key holder. */
function ownerOf(job: ProvisioningJobEntity): RequestPrincipal {
  return { kind: job.createdBy ? 'user' : 'api-key', isGlobalAdmin: false, userId: job.createdBy, email: null };
}

function reasonOf(error: unknown): string {
  if (error instanceof DomainError || error instanceof StepFailure) return error.message;
  return error instanceof Error ? error.message : String(error);
}
