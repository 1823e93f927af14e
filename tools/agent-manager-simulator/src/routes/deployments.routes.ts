import { randomBytes, randomUUID } from 'node:crypto';

import type { Request, Router } from 'express';

import type { SimulatorContext } from '../context';
import { badRequest, notFound } from '../http-errors';
import { parseOptionalInt, parseUuidV4 } from '../pipes';
import { findAgentOrThrow } from '../services/agents.service';
import { readBody } from '../services/body';
import { upsertDeploymentConfiguration } from '../services/deployments.service';
import type { DeploymentConfigurationRecord, DeploymentRunRecord } from '../state';

import { defineRoute } from './route-helpers';

const BASE = '/agents/:agentId/deployments';
const CONTROLLER = 'AgentsDeploymentsController';

export const SIMULATED_WORKFLOWS = [
  { id: 'ci.yml', name: 'CI', path: '.github/workflows/ci.yml', state: 'active', canTrigger: true },
  { id: 'deploy.yml', name: 'Deploy', path: '.github/workflows/deploy.yml', state: 'active', canTrigger: true },
] as const;

function iso(date: Date | undefined): string | undefined {
  return date?.toISOString();
}

/** The configuration DTO (the provider token never leaves the server). */
export function toDeploymentConfigurationDto(record: DeploymentConfigurationRecord): Record<string, unknown> {
  return {
    id: record.id,
    agentId: record.agentId,
    providerType: record.providerType,
    repositoryId: record.repositoryId,
    defaultBranch: record.defaultBranch,
    workflowId: record.workflowId,
    providerBaseUrl: record.providerBaseUrl,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

function toRunDto(run: DeploymentRunRecord): Record<string, unknown> {
  return {
    id: run.id,
    configurationId: run.configurationId,
    providerRunId: run.providerRunId,
    runName: run.runName,
    status: run.status,
    conclusion: run.conclusion,
    ref: run.ref,
    sha: run.sha,
    workflowId: run.workflowId,
    workflowName: run.workflowName,
    startedAt: iso(run.startedAt),
    completedAt: iso(run.completedAt),
    htmlUrl: run.htmlUrl,
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
  };
}

function repositoryUrl(config: DeploymentConfigurationRecord): string {
  const base =
    config.providerBaseUrl ?? (config.providerType === 'gitlab' ? 'https://gitlab.com' : 'https://github.com');
  return `${base.replace(/\/+$/, '')}/${config.repositoryId}`;
}

/** Each read moves a run one step on: queued → in_progress → completed/success. */
function advance(run: DeploymentRunRecord): void {
  const now = new Date();
  if (run.status === 'queued') {
    run.status = 'in_progress';
    run.startedAt = now;
    run.updatedAt = now;
  } else if (run.status === 'in_progress') {
    run.status = 'completed';
    run.conclusion = 'success';
    run.completedAt = now;
    run.updatedAt = now;
  }
}

function jobsOf(run: DeploymentRunRecord): Record<string, unknown>[] {
  return ['build', 'deploy'].map((name, index) => ({
    id: `${run.providerRunId}${index + 1}`,
    name,
    status: run.status,
    conclusion: run.conclusion,
    startedAt: iso(run.startedAt),
    completedAt: iso(run.completedAt),
  }));
}

/**
 * Deployments (contract §5): the configuration (GET → empty body when none, POST upsert 201, DELETE 204) and
 * a fake provider behind it: repositories, branches, workflows, triggered runs, logs, jobs, cancel. Without a
 * configuration every provider call is 404 `"Deployment configuration for agent <id> not found"`.
 */
export function registerDeploymentRoutes(router: Router, ctx: SimulatorContext): void {
  const configurationOf = (req: Request): { agentId: string; config: DeploymentConfigurationRecord } => {
    const agentId = parseUuidV4(req.params['agentId']);
    const config = ctx.state.deploymentConfigurations.get(agentId);
    if (!config) throw notFound(`Deployment configuration for agent ${agentId} not found`);
    return { agentId, config };
  };
  const runOf = (req: Request): { run: DeploymentRunRecord; config: DeploymentConfigurationRecord } => {
    const { agentId, config } = configurationOf(req);
    const runId = String(req.params['runId']);
    const run = (ctx.state.deploymentRuns.get(agentId) ?? []).find((r) => r.id === runId || r.providerRunId === runId);
    if (!run) throw notFound(`Deployment run ${runId} not found`);
    return { run, config };
  };

  defineRoute(router, ctx, 'get', `${BASE}/configuration`, `${CONTROLLER}.getConfiguration`, (req, res) => {
    const agentId = parseUuidV4(req.params['agentId']);
    const config = ctx.state.deploymentConfigurations.get(agentId);
    if (!config) {
      res.status(200).end();
      return;
    }
    res.json(toDeploymentConfigurationDto(config));
  });

  defineRoute(router, ctx, 'post', `${BASE}/configuration`, `${CONTROLLER}.upsertConfiguration`, (req, res) => {
    const agentId = parseUuidV4(req.params['agentId']);
    findAgentOrThrow(ctx.state, agentId);
    const body = readBody(req.body);
    const existing = ctx.state.deploymentConfigurations.get(agentId);
    for (const key of ['providerType', 'repositoryId', 'providerToken']) {
      const value = body[key];
      if (!existing && (typeof value !== 'string' || value.length === 0)) throw badRequest(`${key} is required`);
    }
    upsertDeploymentConfiguration(ctx.state, agentId, body);
    const config = ctx.state.deploymentConfigurations.get(agentId);
    if (!config) throw badRequest('Invalid deployment configuration');
    res.status(201).json(toDeploymentConfigurationDto(config));
  });

  defineRoute(router, ctx, 'delete', `${BASE}/configuration`, `${CONTROLLER}.deleteConfiguration`, (req, res) => {
    const { agentId } = configurationOf(req);
    ctx.state.deploymentConfigurations.delete(agentId);
    ctx.state.deploymentRuns.delete(agentId);
    res.status(204).end();
  });

  defineRoute(router, ctx, 'get', `${BASE}/repositories`, `${CONTROLLER}.listRepositories`, (req, res) => {
    const { config } = configurationOf(req);
    const name = config.repositoryId.split('/').pop() ?? config.repositoryId;
    res.json([
      {
        id: config.repositoryId,
        name,
        fullName: config.repositoryId,
        defaultBranch: config.defaultBranch ?? 'main',
        url: repositoryUrl(config),
        private: false,
      },
    ]);
  });

  defineRoute(router, ctx, 'get', `${BASE}/repositories/:rid/branches`, `${CONTROLLER}.listBranches`, (req, res) => {
    const { config } = configurationOf(req);
    const main = config.defaultBranch ?? 'main';
    const names = main === 'develop' ? [main, 'main'] : [main, 'develop'];
    res.json(names.map((name, index) => ({ name, sha: randomBytes(20).toString('hex'), default: index === 0 })));
  });

  defineRoute(router, ctx, 'get', `${BASE}/repositories/:rid/workflows`, `${CONTROLLER}.listWorkflows`, (req, res) => {
    configurationOf(req);
    res.json(SIMULATED_WORKFLOWS.map((workflow) => ({ ...workflow })));
  });

  defineRoute(router, ctx, 'post', `${BASE}/workflows/trigger`, `${CONTROLLER}.triggerWorkflow`, (req, res) => {
    const { agentId, config } = configurationOf(req);
    const body = readBody(req.body);
    const workflowId = body['workflowId'];
    const ref = body['ref'];
    if (typeof workflowId !== 'string' || workflowId.length === 0) throw badRequest('workflowId is required');
    if (typeof ref !== 'string' || ref.length === 0) throw badRequest('ref is required');
    const workflow = SIMULATED_WORKFLOWS.find((w) => w.id === workflowId);
    const now = new Date();
    const providerRunId = String(1_000_000 + Math.floor(Math.random() * 8_000_000));
    const run: DeploymentRunRecord = {
      id: randomUUID(),
      configurationId: config.id,
      providerRunId,
      runName: workflow?.name ?? workflowId,
      status: 'queued',
      ref,
      sha: randomBytes(20).toString('hex'),
      workflowId,
      workflowName: workflow?.name,
      htmlUrl: `${repositoryUrl(config)}/actions/runs/${providerRunId}`,
      createdAt: now,
      updatedAt: now,
    };
    const runs = ctx.state.deploymentRuns.get(agentId) ?? [];
    runs.push(run);
    ctx.state.deploymentRuns.set(agentId, runs);
    res.status(201).json(toRunDto(run));
  });

  defineRoute(router, ctx, 'get', `${BASE}/runs`, `${CONTROLLER}.listRuns`, (req, res) => {
    const { agentId } = configurationOf(req);
    const limit = parseOptionalInt(req.query['limit']) ?? 10;
    const offset = parseOptionalInt(req.query['offset']) ?? 0;
    const runs = [...(ctx.state.deploymentRuns.get(agentId) ?? [])].reverse();
    res.json(runs.slice(Math.max(0, offset), Math.max(0, offset) + Math.max(0, limit)).map(toRunDto));
  });

  defineRoute(router, ctx, 'get', `${BASE}/runs/:runId`, `${CONTROLLER}.getRun`, (req, res) => {
    const { run } = runOf(req);
    advance(run);
    res.json(toRunDto(run));
  });

  defineRoute(router, ctx, 'get', `${BASE}/runs/:runId/logs`, `${CONTROLLER}.getRunLogs`, (req, res) => {
    const { run } = runOf(req);
    res.json({ logs: `Run ${run.runName} (${run.providerRunId}) on ${run.ref}\nstatus: ${run.status}\n` });
  });

  defineRoute(router, ctx, 'get', `${BASE}/runs/:runId/jobs`, `${CONTROLLER}.listJobs`, (req, res) => {
    res.json(jobsOf(runOf(req).run));
  });

  defineRoute(router, ctx, 'get', `${BASE}/runs/:runId/jobs/:jobId/logs`, `${CONTROLLER}.getJobLogs`, (req, res) => {
    const { run } = runOf(req);
    const jobId = String(req.params['jobId']);
    const job = jobsOf(run).find((j) => j['id'] === jobId);
    if (!job) throw notFound(`Job ${jobId} not found`);
    res.json({ logs: `job ${String(job['name'])}: ${run.status}\n` });
  });

  defineRoute(router, ctx, 'post', `${BASE}/runs/:runId/cancel`, `${CONTROLLER}.cancelRun`, (req, res) => {
    const { run } = runOf(req);
    if (run.status !== 'completed') {
      const now = new Date();
      run.status = 'completed';
      run.conclusion = 'cancelled';
      run.completedAt = now;
      run.updatedAt = now;
    }
    res.status(204).end();
  });
}
