import { setTimeout as defaultSleep } from 'node:timers/promises';
import { CloudApiError, CloudOutcomeUnknownError } from '../providers/cloud-api.error';
import { CloudProvider, CloudServer, CreateServerInput } from '../providers/cloud-provider';

export interface CreateOnceOptions {
  /** Creates sent at most (each one only after the cloud was seen to hold no server of the job). */
  attempts: number;
  /** Wait before looking: a cloud's list may show a new server only a moment after making it. */
  settleMs: number;
  sleep?: (ms: number) => Promise<unknown>;
}

export type CreateOncePort = Pick<CloudProvider, 'type' | 'createServer' | 'findServerOfJob'>;

/**
 * Buys one server for a job, never two. A create whose outcome is unknown (timeout, broken connection, 5xx) is
 * not sent again blind: the cloud is asked for the job's server by its label/tag, which is adopted when found.
 * Only when the cloud holds none is the create sent again, up to `attempts` times in all.
 */
export async function createServerOnce(
  provider: CreateOncePort,
  input: CreateServerInput,
  options: CreateOnceOptions,
): Promise<CloudServer> {
  const sleep = options.sleep ?? defaultSleep;
  let lastUnknown: CloudOutcomeUnknownError | undefined;
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    try {
      return await provider.createServer(input);
    } catch (error) {
      const outcomeUnknown = error instanceof CloudOutcomeUnknownError;
      // A re-sent create refused (e.g. Hetzner's 409 for the name) may mean an earlier one landed after all.
      const refusedResend = lastUnknown !== undefined && error instanceof CloudApiError && error.kind === 'rejected';
      if (!outcomeUnknown && !refusedResend) throw error;
      await sleep(options.settleMs);
      const made = await provider.findServerOfJob(input.labels);
      if (made) return made;
      if (!(error instanceof CloudOutcomeUnknownError)) throw error;
      lastUnknown = error;
    }
  }
  throw new CloudApiError(
    provider.type,
    'unavailable',
    `No answer to ${options.attempts} creates and no server carries the job's label: ${lastUnknown?.message}`,
    lastUnknown?.cloudStatus,
    lastUnknown?.cloudCode,
  );
}
