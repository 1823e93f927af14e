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
import { RemoteAgentsController } from './remote-agents.controller';
import { RemoteAgentsService } from './remote-agents.service';
import { RemoteEnvironmentController } from './remote-environment.controller';
import { RemoteFilesController } from './remote-files.controller';
import { RemoteVcsController } from './remote-vcs.controller';
import { RemoteDeploymentsController } from './remote-deployments.controller';

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
