import { Module } from '@nestjs/common';
import { AgentManagerClientModule } from '@agent-controller/agent-manager-client';
import { AuditModule } from '@agent-controller/audit';
import { AuthModule } from '@agent-controller/auth';
import { ClientsModule } from '@agent-controller/clients';
import { MetricsModule } from '@agent-controller/metrics';
import { AgentAuditInterceptor } from './agent-audit';
import { AgentCredentialsRepository } from './agent-credentials.repository';
import { ClientAgentCredentialEntity } from './client-agent-credential.entity';
import { ClientRateLimiter } from './client-rate-limiter';
import { ClientsGateway } from './gateway/clients.gateway';
import { LastUsedTracker } from './last-used.tracker';
import {
  RemoteDeploymentsController,
  RemoteEnvironmentController,
  RemoteFilesController,
  RemoteVcsController,
} from './proxy-controllers';
import { RemoteAgentsController } from './remote-agents.controller';
import { RemoteAgentsService } from './remote-agents.service';

export const REMOTE_AGENT_PROXY_ENTITIES = [ClientAgentCredentialEntity];

/** Agent operations proxied to remote agent-managers, with stored agent credentials. */
@Module({
  imports: [AgentManagerClientModule, AuditModule, AuthModule, ClientsModule, MetricsModule],
  controllers: [
    RemoteAgentsController,
    RemoteEnvironmentController,
    RemoteFilesController,
    RemoteVcsController,
    RemoteDeploymentsController,
  ],
  providers: [
    AgentAuditInterceptor,
    AgentCredentialsRepository,
    ClientRateLimiter,
    ClientsGateway,
    LastUsedTracker,
    RemoteAgentsService,
  ],
  exports: [AgentCredentialsRepository, RemoteAgentsService],
})
export class RemoteAgentProxyModule {}
