export * from './lib/agent-manager-client.module';
export * from './lib/agent-manager.client';
export * from './lib/endpoint-policy';
export * from './lib/keycloak-token.provider';
export * from './lib/remote-call.error';
export * from './lib/remote-credentials';
export * from './lib/agents-socket.connector';
export { sendRemoteRequest } from './lib/remote-http';
export type { RemoteRequest, RemoteResponse } from './lib/remote-http';
