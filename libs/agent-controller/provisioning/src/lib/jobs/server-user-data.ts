import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig, DomainError } from '@agent-controller/core';
import { createHash, randomBytes } from 'node:crypto';
import { buildCloudInit, encodeEnvFile } from '../cloud-init';
import { agentManagerEnvironment } from './agent-manager-environment';
import { ProvisioningJobEntity, ProvisioningSecrets } from './provisioning-job.entity';
import { ProvisioningJobsRepository } from './provisioning-jobs.repository';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * The user data a new server boots with. With PUBLIC_URL it carries only a single-use, short-lived token the
 * server trades for its environment file; without, the secrets are embedded and the job says so.
 */
@Injectable()
export class ServerUserData {
  constructor(
    private readonly jobs: ProvisioningJobsRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async build(job: ProvisioningJobEntity, secrets: ProvisioningSecrets): Promise<{ userData: string }> {
    const { publicUrl, agentManagerImage, serverTimeoutMs, healthTimeoutMs } = this.config.provisioning;
    const common = { agentManagerImage, agentWsPort: job.settings.agentWsPort };
    let result: { userData: string; warnings: string[] };
    if (publicUrl) {
      const token = randomBytes(32).toString('base64url');
      // Valid while the server can still be booting; after that nobody needs it.
      await this.jobs.setBootstrapToken(
        job.id,
        sha256(token),
        new Date(Date.now() + serverTimeoutMs + healthTimeoutMs),
      );
      const url = `${publicUrl}/api/provisioning/bootstrap/${job.id}`;
      result = buildCloudInit({ ...common, environment: {}, bootstrap: { url, token } });
    } else {
      result = buildCloudInit({ ...common, environment: agentManagerEnvironment(job, secrets) });
    }
    job.warnings = [...new Set([...job.warnings, ...result.warnings])];
    return result;
  }

  /** The environment file for the server that presents the job's bootstrap token; usable once. */
  async environmentFile(jobId: string, authorization: string | undefined): Promise<string> {
    const token = /^Bearer (\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    const job = token ? await this.jobs.consumeBootstrapToken(jobId, sha256(token)) : null;
    if (!job) throw new DomainError('UNAUTHORIZED', 'Unknown, used or expired bootstrap token');
    return encodeEnvFile(agentManagerEnvironment(job, JSON.parse(job.secrets) as ProvisioningSecrets));
  }
}
