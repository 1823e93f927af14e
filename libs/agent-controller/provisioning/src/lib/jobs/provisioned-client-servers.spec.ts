import type { AuditService } from '@agent-controller/audit';
import { ClientServer, ClientServers } from '@agent-controller/clients';
import { DomainError } from '@agent-controller/core';
import type { EntityManager } from 'typeorm';
import type { CloudProviders } from '../providers/cloud-providers';
import { OrphanServerEntity } from './orphan-server.entity';
import { ProvisionedClientServers } from './provisioned-client-servers';
import { ProvisioningJobEntity } from './provisioning-job.entity';
import type { ProvisioningJobsRepository } from './provisioning-jobs.repository';

const CLIENT_ID = '0a4f5c7e-2d1b-4c3a-9e8f-7b6a5d4c3b2a';
const SERVER: ClientServer = {
  clientId: CLIENT_ID,
  providerType: 'hetzner',
  serverId: '4711',
  serverName: 'agent-manager-job00001',
  jobId: 'job-1',
};

function setUp() {
  const job = Object.assign(new ProvisioningJobEntity(), {
    id: 'job-1',
    clientId: CLIENT_ID,
    providerType: 'hetzner',
    serverId: '4711',
    serverName: 'agent-manager-job00001',
    serverDeletedAt: null,
  });
  const jobs = {
    findLiveServersOfClients: jest.fn(async (ids: string[]) => (ids.includes(CLIENT_ID) ? [job] : [])),
    markServerDeleted: jest.fn(async () => undefined),
  };
  const provider = { deleteServer: jest.fn(async (_id: string) => undefined) };
  const providers = { get: jest.fn(() => provider) };
  const audit = { record: jest.fn(async () => undefined) };
  const registry = new ClientServers();
  const servers = new ProvisionedClientServers(
    registry,
    jobs as unknown as ProvisioningJobsRepository,
    providers as unknown as CloudProviders,
    audit as unknown as AuditService,
  );
  servers.onModuleInit();
  return { registry, jobs, provider, providers, audit };
}

describe('ProvisionedClientServers', () => {
  it('registers itself, so the clients module sees the server behind a provisioned client', async () => {
    const { registry } = setUp();

    const found = await registry.findServers([CLIENT_ID, 'another-client']);

    expect([...found.entries()]).toEqual([[CLIENT_ID, SERVER]]);
  });

  it('deletes the server at its cloud, then marks the job and audits it', async () => {
    const { registry, provider, providers, jobs, audit } = setUp();

    await registry.deleteServer(SERVER);

    expect(providers.get).toHaveBeenCalledWith('hetzner');
    expect(provider.deleteServer).toHaveBeenCalledWith('4711');
    expect(jobs.markServerDeleted).toHaveBeenCalledWith('job-1', expect.any(Date));
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'provisioning.delete_server', targetId: CLIENT_ID }),
    );
  });

  it('changes nothing when the cloud refuses the delete', async () => {
    const { registry, provider, jobs, audit } = setUp();
    provider.deleteServer.mockRejectedValueOnce(new DomainError('CLOUD_UNAVAILABLE', 'hetzner answered 503'));

    await expect(registry.deleteServer(SERVER)).rejects.toMatchObject({ code: 'CLOUD_UNAVAILABLE' });

    expect(jobs.markServerDeleted).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('lists a kept server as an orphan at once, in the caller’s transaction', async () => {
    const { registry } = setUp();
    const manager = { upsert: jest.fn(async () => undefined) };

    await registry.keepServer(SERVER, manager as unknown as EntityManager);

    expect(manager.upsert).toHaveBeenCalledWith(
      OrphanServerEntity,
      expect.objectContaining({
        providerType: 'hetzner',
        serverId: '4711',
        serverName: 'agent-manager-job00001',
        jobId: 'job-1',
        deletedAt: null,
      }),
      ['providerType', 'serverId'],
    );
  });
});
