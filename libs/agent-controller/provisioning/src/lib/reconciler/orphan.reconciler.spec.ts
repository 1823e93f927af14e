import { SchedulerRegistry } from '@nestjs/schedule';
import type { AuditService } from '@agent-controller/audit';
import type { AppConfig } from '@agent-controller/core';
import { PeriodicTasks } from '@agent-controller/database';
import { type DataSource, FindOperator } from 'typeorm';
import type { ControllerIdentityService } from '../controller-identity.service';
import { OrphanServerEntity } from '../jobs/orphan-server.entity';
import type { ProvisioningJobsRepository } from '../jobs/provisioning-jobs.repository';
import type { CloudServer } from '../providers/cloud-provider';
import type { CloudProviders } from '../providers/cloud-providers';
import { OrphanReconciler } from './orphan.reconciler';

const HOUR = 3_600_000;

function server(id: string, ageMs: number): CloudServer {
  return {
    id,
    name: `agent-manager-${id}`,
    status: 'running',
    ipv4: null,
    jobId: `job-${id}`,
    createdAt: new Date(Date.now() - ageMs),
  };
}

const CONFIG = {
  database: { kind: 'embedded' },
  provisioning: { orphanGraceMs: HOUR, deleteOrphans: false, reconcileIntervalMs: 50 },
} as unknown as AppConfig;

/** Whether a row matches a delete's criteria: plain values and the FindOperators the reconciler uses. */
function matches(row: OrphanServerEntity, criteria: Record<string, unknown>): boolean {
  const test = (value: unknown, expected: unknown): boolean => {
    if (!(expected instanceof FindOperator)) return value === expected;
    switch (expected.type) {
      case 'isNull':
        return value === null || value === undefined;
      case 'in':
        return (expected.value as unknown as unknown[]).includes(value);
      case 'lessThan':
        return (value as Date) < (expected.value as Date);
      case 'not':
        return !test(value, expected.child ?? expected.value);
      default:
        throw new Error(`no fake for ${expected.type}`);
    }
  };
  return Object.entries(criteria).every(([key, expected]) => test(row[key as keyof OrphanServerEntity], expected));
}

function setUp(
  servers: CloudServer[],
  known: OrphanServerEntity[],
  providersConfigured = true,
  accounted: string[] = [],
) {
  const rows = new Map(known.map((row) => [row.serverId, row]));
  const saved: OrphanServerEntity[] = [];
  const orphans = {
    findOneBy: jest.fn(async ({ serverId }: { serverId: string }) => rows.get(serverId) ?? null),
    create: jest.fn((values: Partial<OrphanServerEntity>) => Object.assign(new OrphanServerEntity(), values)),
    save: jest.fn(async (row: OrphanServerEntity) => {
      saved.push({ ...row });
      return row;
    }),
    delete: jest.fn(async (criteria: Record<string, unknown>) => {
      for (const [id, row] of rows) if (matches(row, criteria)) rows.delete(id);
    }),
  };
  const provider = { type: 'hetzner', listServers: jest.fn(async () => servers), deleteServer: jest.fn() };
  // The embedded database: this one process leads the reconciler without taking a lock.
  const tasks = new PeriodicTasks(new SchedulerRegistry(), {} as DataSource, CONFIG);
  const reconciler = new OrphanReconciler(
    { configured: () => (providersConfigured ? [provider] : []) } as unknown as CloudProviders,
    { accountedServerIds: async () => new Set(accounted) } as unknown as ProvisioningJobsRepository,
    { get: async () => 'controller-1' } as unknown as ControllerIdentityService,
    {
      recordOutsideTransaction: jest.fn(async () => undefined),
      record: jest.fn(async () => undefined),
    } as unknown as AuditService,
    tasks,
    {
      getRepository: () => orphans,
      // A new orphan is saved with its audit row in one transaction.
      transaction: async (work: (manager: unknown) => Promise<void>) =>
        work({ save: (_entity: unknown, row: OrphanServerEntity) => orphans.save(row) }),
    } as unknown as DataSource,
    CONFIG,
  );
  return { reconciler, saved, tasks, provider, rows };
}

describe('OrphanReconciler.reconcile', () => {
  it('waits out the grace period for a young server nobody reported (a job may be between create and save)', async () => {
    const { reconciler, saved } = setUp([server('young', 60_000)], []);

    await reconciler.reconcile();

    expect(saved).toEqual([]);
  });

  it('keeps a young server already listed (kept when its client was deleted) and refreshes it', async () => {
    const kept = Object.assign(new OrphanServerEntity(), {
      providerType: 'hetzner',
      serverId: 'kept',
      serverName: 'agent-manager-kept',
      jobId: 'job-kept',
      firstSeenAt: new Date(Date.now() - 5_000),
      lastSeenAt: new Date(Date.now() - 5_000),
      deletedAt: null,
    });
    const before = Date.now();
    const { reconciler, saved } = setUp([server('kept', 60_000)], [kept]);

    await reconciler.reconcile();

    expect(saved).toEqual([expect.objectContaining({ serverId: 'kept', deletedAt: null })]);
    expect(saved[0].lastSeenAt.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('forgets only the servers the cloud no longer lists, not one kept while the pass ran', async () => {
    const row = (serverId: string) =>
      Object.assign(new OrphanServerEntity(), {
        providerType: 'hetzner',
        serverId,
        serverName: `agent-manager-${serverId}`,
        jobId: `job-${serverId}`,
        firstSeenAt: new Date(Date.now() - 5_000),
        lastSeenAt: new Date(Date.now() - 5_000),
        deletedAt: null,
      });
    // "kept": its client was deleted with ?server=keep just as the pass began, so the pass still counted it as a
    // client's server (and did not refresh its row); "gone": deleted at the cloud by hand.
    const { reconciler, rows } = setUp([server('kept', 60_000)], [row('kept'), row('gone')], true, ['hetzner:kept']);

    await reconciler.reconcile();

    expect([...rows.keys()]).toEqual(['kept']);
  });

  it('reports an old server nobody accounts for', async () => {
    const { reconciler, saved } = setUp([server('old', 2 * HOUR)], []);

    await reconciler.reconcile();

    expect(saved).toEqual([expect.objectContaining({ serverId: 'old', jobId: 'job-old' })]);
  });
});

describe('OrphanReconciler on its schedule', () => {
  it('passes over the clouds on every interval as the leader of the reconciler task', async () => {
    const { reconciler, saved, tasks, provider } = setUp([server('old', 2 * HOUR)], []);
    reconciler.onApplicationBootstrap();
    try {
      while (provider.listServers.mock.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await tasks.stopAll();
    }
    expect(tasks.leadership()).toEqual(new Map([['reconciler', false]]));
    expect(saved[0]).toEqual(expect.objectContaining({ serverId: 'old' }));
  });

  it('is not scheduled when no cloud is configured', async () => {
    const { reconciler, tasks } = setUp([], [], false);
    reconciler.onApplicationBootstrap();
    expect(tasks.leadership()).toEqual(new Map());
  });
});
