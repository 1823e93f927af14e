import { Module } from '@nestjs/common';
import { AgentManagerClientModule } from '@agent-controller/agent-manager-client';
import { AuditModule } from '@agent-controller/audit';
import { AuthModule } from '@agent-controller/auth';
import { ClientsModule } from '@agent-controller/clients';
import { MetricsModule } from '@agent-controller/metrics';
import { AgentAuditInterceptor } from './agent-audit';
import { AgentAutonomyController } from './agent-autonomy.controller';
import { AgentAutonomyService } from './agent-autonomy.service';
import { AgentCredentialsRepository } from './agent-credentials.repository';
import { ClientAgentCredentialEntity } from './client-agent-credential.entity';
import { ClientRateLimiter } from './client-rate-limiter';
import { AgentRunningStates } from './fleet-agents/agent-running-states';
import { AgentSnapshotsRepository } from './fleet-agents/agent-snapshots.repository';
import { AgentSnapshotter } from './fleet-agents/agent-snapshotter';
import { ClientAgentSnapshotEntity } from './fleet-agents/client-agent-snapshot.entity';
import { FleetAgentsController } from './fleet-agents/fleet-agents.controller';
import { FleetAgentsService } from './fleet-agents/fleet-agents.service';
import { ClientsGateway } from './gateway/clients.gateway';
import { FleetWatchers } from './gateway/fleet-watchers';
import { LastUsedTracker } from './last-used.tracker';
import {
  RemoteDeploymentsController,
  RemoteEnvironmentController,
  RemoteFilesController,
  RemoteVcsController,
} from './proxy-controllers';
import { RemoteAgentsController } from './remote-agents.controller';
import { RemoteAgentsService } from './remote-agents.service';

export const REMOTE_AGENT_PROXY_ENTITIES = [ClientAgentCredentialEntity, ClientAgentSnapshotEntity];

/** Agent operations proxied to remote agent-managers, with stored agent credentials, and the fleet's agents snapshot. */
@Module({
  imports: [AgentManagerClientModule, AuditModule, AuthModule, ClientsModule, MetricsModule],
  controllers: [
    RemoteAgentsController,
    RemoteEnvironmentController,
    RemoteFilesController,
    RemoteVcsController,
    RemoteDeploymentsController,
    FleetAgentsController,
    AgentAutonomyController,
  ],
  providers: [
    AgentAuditInterceptor,
    AgentAutonomyService,
    AgentCredentialsRepository,
    AgentRunningStates,
    AgentSnapshotsRepository,
    AgentSnapshotter,
    ClientRateLimiter,
    ClientsGateway,
    FleetAgentsService,
    FleetWatchers,
    LastUsedTracker,
    RemoteAgentsService,
  ],
  exports: [AgentCredentialsRepository, RemoteAgentsService],
})
export class RemoteAgentProxyModule {}
