import { Module } from '@nestjs/common';
import { AgentManagerClient } from './agent-manager.client';
import { AgentsSocketConnector } from './agents-socket.connector';
import { EndpointPolicy } from './endpoint-policy';
import { KeycloakTokenProvider } from './keycloak-token.provider';

/** HTTP and Socket.IO access to remote agent-managers: endpoint policy (SSRF), Keycloak tokens, the typed client. */
@Module({
  providers: [AgentManagerClient, AgentsSocketConnector, EndpointPolicy, KeycloakTokenProvider],
  exports: [AgentManagerClient, AgentsSocketConnector, EndpointPolicy, KeycloakTokenProvider],
})
export class AgentManagerClientModule {}
