import { Module } from '@nestjs/common';
import { AgentManagerClientModule } from '@agent-controller/agent-manager-client';
import { AuditModule } from '@agent-controller/audit';
import { ClientsModule } from '@agent-controller/clients';
import { AppConfig, appConfig } from '@agent-controller/core';
import { ClientProvisioningController } from './client-provisioning.controller';
import { ControllerIdentityEntity } from './controller-identity.entity';
import { ControllerIdentityService } from './controller-identity.service';
import { OrphanServerEntity } from './jobs/orphan-server.entity';
import { ProvisioningJobEntity } from './jobs/provisioning-job.entity';
import { ProvisionedClientServers } from './jobs/provisioned-client-servers';
import { ProvisioningJobsRepository } from './jobs/provisioning-jobs.repository';
import { ProvisioningRunner } from './jobs/provisioning.runner';
import { ServerUserData } from './jobs/server-user-data';
import { ProvisioningCatalogController } from './provisioning-catalog.controller';
import { ProvisioningJobsController } from './provisioning-jobs.controller';
import { ProvisioningService } from './provisioning.service';
import { CLOUD_PROVIDERS } from './providers/cloud-provider';
import { CloudProviders } from './providers/cloud-providers';
import { DigitalOceanProvider } from './providers/digital-ocean.provider';
import { HetznerProvider } from './providers/hetzner.provider';
import { OrphanReconciler } from './reconciler/orphan.reconciler';

export const PROVISIONING_ENTITIES = [ProvisioningJobEntity, OrphanServerEntity, ControllerIdentityEntity];

/** Cloud servers that run an agent-manager, made as tracked jobs and registered as clients (DESIGN §7). */
@Module({
  imports: [AgentManagerClientModule, AuditModule, ClientsModule],
  controllers: [ProvisioningCatalogController, ProvisioningJobsController, ClientProvisioningController],
  providers: [
    {
      provide: CLOUD_PROVIDERS,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => [
        new HetznerProvider(config.provisioning.hetzner),
        new DigitalOceanProvider(config.provisioning.digitalOcean),
      ],
    },
    CloudProviders,
    ControllerIdentityService,
    OrphanReconciler,
    ProvisionedClientServers,
    ProvisioningJobsRepository,
    ProvisioningRunner,
    ProvisioningService,
    ServerUserData,
  ],
})
export class ProvisioningModule {}
