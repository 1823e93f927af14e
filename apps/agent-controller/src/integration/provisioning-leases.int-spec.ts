import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EncryptionKeyring, installEncryptionKeyring, openDataSource } from '@agent-controller/database';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { ProvisioningJobEntity, ProvisioningJobsRepository } from '@agent-controller/provisioning';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../app/entities';

const onServer = Boolean(process.env['TEST_DATABASE_URL']);
const LEASE_MS = 400;

/**
 * The provisioning job lease between replicas: a job runs under exactly one replica's lease, and once a replica
 * stops renewing it (it died) another claims the job when the lease has run out. On a server each replica has
 * its own pool; the embedded database has one process, whose owners stand in for replicas.
 */
describe(`provisioning job leases (${onServer ? 'PostgreSQL server' : 'embedded PGlite'})`, () => {
  let database: TestDatabase;
  const sources: DataSource[] = [];
  let replicas: ProvisioningJobsRepository[];

  before(async () => {
    installEncryptionKeyring(new EncryptionKeyring(randomBytes(32)));
    database = await createTestDatabase();
    sources.push(await openDataSource(database.config, ENTITIES));
    if (onServer) for (let i = 0; i < 2; i++) sources.push(await openDataSource(database.config, ENTITIES));
    replicas = [0, 1, 2].map((i) => new ProvisioningJobsRepository(sources[i % sources.length]));
  });

  after(async () => {
    await Promise.all(sources.map((source) => source.destroy()));
    await database?.drop();
  });

  async function runningJob(owner: string): Promise<ProvisioningJobEntity> {
    const job = await replicas[0].insert({
      status: 'running',
      providerType: 'hetzner',
      serverType: 'cx22',
      location: null,
      clientName: `Leased ${randomBytes(3).toString('hex')}`,
      serverName: 'agent-manager-leased',
      settings: {
        description: null,
        authenticationType: 'api_key',
        agentWsPort: 8080,
        keycloakClientId: null,
        keycloakRealm: null,
        keycloakAuthServerUrl: null,
        gitRepositoryUrl: null,
        gitUsername: null,
        agentDefaultImage: null,
      },
      secrets: '{}',
      steps: [],
      warnings: [],
      leaseOwner: owner,
      leaseExpiresAt: new Date(Date.now() + LEASE_MS),
    });
    return job;
  }

  it('is kept while its replica renews it, and claimed by another once that replica stops', async () => {
    const [a, b] = replicas;
    const job = await runningJob('replica-a');
    assert.equal(await a.saveLeased(job, 'replica-a', LEASE_MS), true);
    assert.deepEqual(await b.claimOrphanedLeases('replica-b', LEASE_MS), [], 'a live lease is not taken');

    // Replica A renews twice within the lease: still not claimable.
    for (let i = 0; i < 2; i++) {
      await sleep(LEASE_MS / 2);
      assert.equal(await a.saveLeased(job, 'replica-a', LEASE_MS), true);
      assert.deepEqual(await b.claimOrphanedLeases('replica-b', LEASE_MS), []);
    }

    // A dies (renews no more): once its lease has run out, B claims the job and A can no longer save it.
    await sleep(LEASE_MS + 50);
    assert.deepEqual(await b.claimOrphanedLeases('replica-b', LEASE_MS), [job.id]);
    assert.equal(await a.saveLeased(job, 'replica-a', LEASE_MS), false, 'the old owner learns it lost the job');
    assert.equal(await b.saveLeased(job, 'replica-b', LEASE_MS), true);
  });

  it('goes to exactly one of two replicas claiming it at once', async () => {
    const job = await runningJob('replica-gone');
    await sleep(LEASE_MS + 50);
    const claims = await Promise.all([
      replicas[1].claimOrphanedLeases('replica-b', LEASE_MS),
      replicas[2].claimOrphanedLeases('replica-c', LEASE_MS),
    ]);
    assert.deepEqual(
      claims.flat().filter((id) => id === job.id),
      [job.id],
    );
  });

  it('is handed back at once on a clean shutdown', async () => {
    const job = await runningJob('replica-a');
    assert.deepEqual(await replicas[1].claimOrphanedLeases('replica-b', LEASE_MS), []);
    await replicas[0].releaseLeases('replica-a');
    assert.ok((await replicas[1].claimOrphanedLeases('replica-b', LEASE_MS)).includes(job.id));
  });
});
