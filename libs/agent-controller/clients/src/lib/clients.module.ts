import { Module } from '@nestjs/common';
import { AgentManagerClientModule } from '@agent-controller/agent-manager-client';
import { AuditModule } from '@agent-controller/audit';
import { AuthModule } from '@agent-controller/auth';
import { ClientAccess } from './client-access';
import { ClientAccessPolicy } from './client-access.policy';
import { ClientEnvironments } from './client-environments';
import { ClientHealthEventEntity } from './client-health-event.entity';
import { ClientHealthProber } from './client-health.prober';
import { ClientHealthRecorder } from './client-health.recorder';
import { ClientProbeFollowUps } from './client-probe-follow-ups';
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
import { FleetVisibility } from './fleet-visibility';
import { TeamMemberEntity } from './teams/team-member.entity';
import { TeamEntity } from './teams/team.entity';
import { TeamsController } from './teams/teams.controller';
import { TeamsRepository } from './teams/teams.repository';
import { TeamsService } from './teams/teams.service';

export const CLIENT_ENTITIES = [ClientEntity, ClientHealthEventEntity, ClientUserEntity, TeamEntity, TeamMemberEntity];

/** The client registry: CRUD, connection checks, stored config and health, keys, status, bulk actions, teams. */
@Module({
  imports: [AgentManagerClientModule, AuditModule, AuthModule],
  controllers: [ClientsController, ClientUsersController, TeamsController],
  providers: [
    ClientAccess,
    ClientAccessPolicy,
    ClientEnvironments,
    ClientHealthProber,
    ClientHealthRecorder,
    ClientProbeFollowUps,
    ClientsRepository,
    ClientsService,
    ClientServers,
    ClientUsersRepository,
    ClientUsersService,
    ConnectionChecker,
    FleetVisibility,
    TeamsRepository,
    TeamsService,
  ],
  exports: [
    ClientAccess,
    ClientsRepository,
    ClientAccessPolicy,
    ClientsService,
    ClientServers,
    FleetVisibility,
    ClientProbeFollowUps,
    TeamsService,
  ],
})
export class ClientsModule {}
