import { ProvisioningJob } from '@agent-controller/shared-contracts';

const BAR_WIDTH = 24;

/** The step a job is at: the running one, else the failed one, else the last that finished. */
function currentStep(job: ProvisioningJob) {
  return (
    job.steps.find((step) => step.status === 'running') ??
    job.steps.find((step) => step.status === 'failed') ??
    [...job.steps].reverse().find((step) => step.status === 'succeeded')
  );
}

/**
 * One line for a job: `[##########..............] 2/4 server_running (running)`. A running step counts half,
 * so the bar moves when a step starts as well as when it ends.
 */
export function progressLine(job: ProvisioningJob): string {
  const total = job.steps.length;
  const done = job.steps.filter((step) => step.status === 'succeeded').length;
  const started = job.steps.some((step) => step.status === 'running') ? 0.5 : 0;
  const filled = total === 0 ? 0 : Math.round(((done + started) / total) * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const step = currentStep(job);
  const where = step ? ` ${step.name} (${step.status}${step.attempts > 1 ? `, attempt ${step.attempts}` : ''})` : '';
  return `${bar} ${done}/${total}${where}`;
}

/** The closing line of a finished job. */
export function outcomeLine(job: ProvisioningJob): string {
  if (job.status === 'succeeded') return `Job ${job.id} succeeded: client ${job.clientId} (${job.clientName}).`;
  return `Job ${job.id} failed: ${job.error ?? 'no reason given'}${job.serverDeleted ? ' (server deleted again)' : ''}.`;
}
