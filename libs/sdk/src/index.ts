export type { components, operations, paths } from './generated/agent-controller-api';
export * from './lib/agent-controller-client';
export * from './lib/api-error';
export * from './lib/gateway';
export * from './lib/schemas';
