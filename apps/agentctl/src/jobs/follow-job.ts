import {
  AgentControllerClient,
  CLIENTS_NAMESPACE,
  dataOf,
  GatewayEmitEvents,
  GatewayListenEvents,
} from '@agent-controller/sdk';
import { ProvisioningJob } from '@agent-controller/shared-contracts';
import { io, Socket } from 'socket.io-client';

export interface FollowJobOptions {
  api: AgentControllerClient;
  baseUrl: string;
  token: string;
  jobId: string;
  /** Each newer state of the job, the first one included. */
  onUpdate: (job: ProvisioningJob) => void;
  /** How the job is followed now: live over the gateway, or by polling (with the reason the gateway failed). */
  onMode: (mode: 'gateway' | 'polling', reason?: string) => void;
  /** Polling interval when the gateway cannot be used. */
  pollMs: number;
  /** A slow poll beside the gateway: the gateway tells only the job's owner, and a missed event is caught up. */
  safetyPollMs: number;
  connectTimeoutMs: number;
}

/**
 * Follows a provisioning job until it ends: its `provisioningProgress` events over the gateway's Socket.IO
 * namespace, falling back to polling `GET /api/provisioning/jobs/:id` when the socket cannot connect or drops.
 * Resolves with the finished job; rejects when the job cannot be read.
 */
export async function followJob(options: FollowJobOptions): Promise<ProvisioningJob> {
  const { api, jobId } = options;
  const fetchJob = async () =>
    asJob(await dataOf(api.GET('/api/provisioning/jobs/{id}', { params: { path: { id: jobId } } })));
  let latest = await fetchJob();
  options.onUpdate(latest);
  if (latest.status !== 'running') return latest;

  return new Promise((resolve, reject) => {
    let socket: Socket<GatewayListenEvents, GatewayEmitEvents> | undefined;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (outcome: () => void) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket?.close();
      outcome();
    };
    const seen = (job: ProvisioningJob) => {
      // Events and polls may cross: an older state than the one shown is dropped.
      if (finished || job.id !== jobId || job.updatedAt < latest.updatedAt) return;
      latest = job;
      options.onUpdate(job);
      if (job.status !== 'running') finish(() => resolve(job));
    };
    const check = () => fetchJob().then(seen, (error: unknown) => finish(() => reject(error)));
    const pollEvery = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => void check().then(() => finished || pollEvery(ms)), ms);
    };
    const fallBack = (reason: string) => {
      if (finished || socket === undefined) return;
      socket.close();
      socket = undefined;
      options.onMode('polling', reason);
      pollEvery(options.pollMs);
    };

    socket = io(`${options.baseUrl}${CLIENTS_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      timeout: options.connectTimeoutMs,
      auth: { Authorization: `Bearer ${options.token}` },
    });
    socket.on('provisioningProgress', seen);
    socket.on('connect', () => {
      options.onMode('gateway');
      // What happened between the first read and the socket joining its owner's room.
      void check();
      pollEvery(options.safetyPollMs);
    });
    socket.on('connect_error', (error) => fallBack(`cannot connect to the gateway: ${error.message}`));
    socket.on('disconnect', (reason) => fallBack(`gateway disconnected: ${reason}`));
  });
}

/**
 * The job as the shared contracts type it. The committed OpenAPI document types its nullable top-level fields
 * (location, clientId, error, …) as arrays (nestjs-zod with zod >= 4.5 turns `type: [x, "null"]` into an array),
 * so the SDK's generated type is wrong there while the JSON is right.
 */
export function asJob(job: unknown): ProvisioningJob {
  return job as ProvisioningJob;
}
