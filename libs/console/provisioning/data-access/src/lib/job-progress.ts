import type { ProvisioningJob, ProvisioningStep, ProvisioningStepName } from '@agent-controller/shared-contracts';

/** What each step means to an operator. */
export const STEP_LABELS: Record<ProvisioningStepName, string> = {
  create_server: 'Create the server',
  server_running: 'Wait for the server to run',
  agent_manager_healthy: 'Wait for the agent-manager to answer',
  client_registered: 'Register the client',
};

/**
 * Folds a newly received job state (a poll answer or a gateway push) into the one shown: another job's update
 * is ignored, and an older state arriving late never replaces a newer one.
 */
export function reduceJobProgress(current: ProvisioningJob | null, incoming: ProvisioningJob): ProvisioningJob | null {
  if (!current) return incoming;
  if (incoming.id !== current.id) return current;
  // A finished job stays finished, whatever a late answer says.
  if (current.status !== 'running' && incoming.status === 'running') return current;
  return Date.parse(incoming.updatedAt) >= Date.parse(current.updatedAt) ? incoming : current;
}

export interface JobProgress {
  done: number;
  total: number;
  /** The step running now, or the one that failed. */
  current: ProvisioningStep | null;
  percent: number;
}

/** How far a job got: finished steps out of all, and which step is current. */
export function jobProgress(job: ProvisioningJob): JobProgress {
  const total = job.steps.length;
  const done = job.steps.filter((step) => step.status === 'succeeded').length;
  const current =
    job.steps.find((step) => step.status === 'failed') ?? job.steps.find((step) => step.status === 'running') ?? null;
  return { done, total, current, percent: total ? Math.round((done / total) * 100) : 0 };
}

/** How long a step took (or has been running), e.g. "3 s" or "1 min 5 s"; empty before it starts. */
export function stepDuration(step: ProvisioningStep, now = Date.now()): string {
  if (!step.startedAt) return '';
  const end = step.finishedAt ? Date.parse(step.finishedAt) : now;
  const seconds = Math.max(0, Math.round((end - Date.parse(step.startedAt)) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
