import { SchedulerRegistry } from '@nestjs/schedule';
import { PeriodicTasks } from '@agent-controller/database';
import { PROVISIONING_STEPS, ProvisioningStepName } from '@agent-controller/shared-contracts';
import { ProvisioningJobEntity } from './provisioning-job.entity';
import { ProvisioningRunner } from './provisioning.runner';

const CONFIG = {
  database: { kind: 'embedded' },
  provisioning: {
    pollIntervalMs: 10,
    serverTimeoutMs: 1000,
    healthTimeoutMs: 1000,
    endpointTemplate: 'http://{ip}:3000',
  },
};

/** A job whose steps before `from` are done, as a restart finds it. */
function jobAtLastStep(from: ProvisioningStepName = 'client_registered'): ProvisioningJobEntity {
  const done = {
    status: 'succeeded' as const,
    attempts: 1,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    error: null,
  };
  return Object.assign(new ProvisioningJobEntity(), {
    id: 'job-1',
    status: 'running',
    providerType: 'hetzner',
    clientName: 'Made before the crash',
    serverId: '42',
    serverIpv4: '127.0.1.9',
    serverDeletedAt: null,
    clientId: null,
    createdBy: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    finishedAt: null,
    warnings: [],
    error: null,
    settings: { authenticationType: 'api_key', agentWsPort: 8080, description: null },
    secrets: JSON.stringify({ apiKey: 'k'.repeat(32) }),
    steps: PROVISIONING_STEPS.map((name, index) =>
      index >= PROVISIONING_STEPS.indexOf(from)
        ? { name, status: 'pending', attempts: 0, startedAt: null, finishedAt: null, error: null }
        : { name, ...done },
    ),
  });
}

async function finished(job: ProvisioningJobEntity): Promise<void> {
  for (let turn = 0; job.status === 'running' && turn < 200; turn += 1)
    await new Promise((resolve) => setTimeout(resolve, 5));
}

function runnerFor(job: ProvisioningJobEntity, existingClientId: string | null, cloud: object = {}) {
  const jobs = {
    findById: jest.fn(async () => job),
    saveLeased: jest.fn(async () => true),
    claimOrphanedLeases: jest.fn(async (): Promise<string[]> => []),
    releaseLeases: jest.fn(async () => undefined),
  };
  const tasks = new PeriodicTasks(new SchedulerRegistry(), {} as never, CONFIG as never);
  const clients = { createClient: jest.fn(async () => ({ client: { id: 'new-client' } })) };
  const clientRows = {
    findIdByNameAndEndpoint: jest.fn(async () => existingClientId),
    markAutoProvisioned: jest.fn(async () => undefined),
  };
  const providers = { get: jest.fn(() => ({ deleteServer: jest.fn(), ...cloud })) };
  const identity = { get: async () => 'controller-1' };
  const userData = { build: jest.fn(async () => ({ userData: '#cloud-config' })) };
  const agentManager = { getHealth: jest.fn(async () => ({})), getConfig: jest.fn(async () => ({})) };
  const runner = new ProvisioningRunner(
    jobs as never,
    providers as never,
    identity as never,
    userData as never,
    agentManager as never,
    clients as never,
    clientRows as never,
    { publish: jest.fn() } as never,
    tasks,
    CONFIG as never,
    { record: jest.fn() } as never,
  );
  return { runner, clients, clientRows, jobs };
}

describe('ProvisioningRunner', () => {
  it('takes over the client a crashed process made instead of failing on its name', async () => {
    const job = jobAtLastStep();
    const { runner, clients, clientRows } = runnerFor(job, 'made-before');
    runner.start(job.id);
    await finished(job);
    expect(job.error).toBeNull();
    expect(clientRows.findIdByNameAndEndpoint).toHaveBeenCalledWith('Made before the crash', 'http://127.0.1.9:3000');
    expect(clients.createClient).not.toHaveBeenCalled();
    expect(job).toMatchObject({ status: 'succeeded', clientId: 'made-before', serverDeletedAt: null });
    expect(clientRows.markAutoProvisioned).toHaveBeenCalledWith('made-before');
  });

  it('registers a new client when none was made yet', async () => {
    const job = jobAtLastStep();
    const { runner, clients, clientRows } = runnerFor(job, null);
    runner.start(job.id);
    await finished(job);
    // Marked as it is made, in the same insert: no second write.
    expect(clientRows.markAutoProvisioned).not.toHaveBeenCalled();
    expect(clients.createClient).toHaveBeenCalledWith(
      expect.objectContaining({ userId: null }),
      expect.objectContaining({
        name: 'Made before the crash',
        endpoint: 'http://127.0.1.9:3000',
        apiKey: 'k'.repeat(32),
      }),
      { autoProvisioned: true },
    );
    expect(job).toMatchObject({ status: 'succeeded', clientId: 'new-client' });
  });

  it('adopts the server a crashed process created (found by its job label) instead of buying another', async () => {
    const job = jobAtLastStep('create_server');
    Object.assign(job, { serverId: null, serverIpv4: null });
    const made = { id: '77', name: 'n', status: 'running', ipv4: '127.0.1.9', jobId: job.id, createdAt: new Date() };
    const cloud = {
      findServerOfJob: jest.fn(async () => made),
      createServer: jest.fn(),
      getServer: jest.fn(async () => made),
    };
    const { runner } = runnerFor(job, null, cloud);
    runner.start(job.id);
    await finished(job);
    expect(cloud.findServerOfJob).toHaveBeenCalledWith({ controllerId: 'controller-1', jobId: job.id });
    expect(cloud.createServer).not.toHaveBeenCalled();
    expect(job).toMatchObject({ status: 'succeeded', serverId: '77', clientId: 'new-client' });
  });
});

describe('ProvisioningRunner claims', () => {
  it('resumes a job whose lease ran out (its replica died) as soon as it is claimed, and hands leases back on shutdown', async () => {
    const job = jobAtLastStep();
    const { runner, jobs } = runnerFor(job, null);
    jobs.claimOrphanedLeases.mockResolvedValueOnce([job.id]);

    runner.onApplicationBootstrap();
    try {
      await finished(job);
    } finally {
      await runner.onApplicationShutdown();
    }

    expect(jobs.claimOrphanedLeases).toHaveBeenCalledWith(runner.leaseOwner, runner.leaseDurationMs);
    expect(job).toMatchObject({ status: 'succeeded', clientId: 'new-client' });
    expect(jobs.releaseLeases).toHaveBeenCalledWith(runner.leaseOwner);
  });
});
