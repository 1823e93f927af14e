import { Module } from '@nestjs/common';
import { AgentManagerClient } from './agent-manager.client';
import { EndpointPolicy } from './endpoint-policy';
import { KeycloakTokenProvider } from './keycloak-token.provider';

/** HTTP access to remote agent-managers: endpoint policy (SSRF), Keycloak tokens, the typed client. */
@Module({
  providers: [AgentManagerClient, EndpointPolicy, KeycloakTokenProvider],
  exports: [AgentManagerClient, EndpointPolicy, KeycloakTokenProvider],
})
export class AgentManagerClientModule {}
