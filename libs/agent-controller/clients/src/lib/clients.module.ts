import { Module } from '@nestjs/common';
import { AgentManagerClientModule } from '@agent-controller/agent-manager-client';
import { AuditModule } from '@agent-controller/audit';
import { ClientAccess } from './client-access';
import { ClientAccessPolicy } from './client-access.policy';
import { ClientHealthEventEntity } from './client-health-event.entity';
import { ClientHealthProber } from './client-health.prober';
import { ClientHealthRecorder } from './client-health.recorder';
import { ClientEntity } from './client.entity';
import { ClientUserEntity } from './client-user.entity';
import { ClientsController } from './clients.controller';
import { ClientUsersController } from './client-users.controller';
import { ClientUsersRepository } from './client-users.repository';
import { ClientUsersService } from './client-users.service';
import { ClientsRepository } from './clients.repository';
import { ClientsService } from './clients.service';
import { ClientServers } from './client-servers';
import { ConnectionChecker } from './connection-checker';

export const CLIENT_ENTITIES = [ClientEntity, ClientHealthEventEntity, ClientUserEntity];

/** The client registry: CRUD, connection checks, stored config and health, keys, status, bulk actions. */
@Module({
  imports: [AgentManagerClientModule, AuditModule],
  controllers: [ClientsController, ClientUsersController],
  providers: [
    ClientAccess,
    ClientAccessPolicy,
    ClientHealthProber,
    ClientHealthRecorder,
    ClientsRepository,
    ClientsService,
    ClientServers,
    ClientUsersRepository,
    ClientUsersService,
    ConnectionChecker,
  ],
  exports: [ClientAccess, ClientsRepository, ClientAccessPolicy, ClientsService, ClientServers],
})
export class ClientsModule {}
