export * from './lib/errors';
export * from './lib/paging';
export * from './lib/auth';
export * from './lib/audit';
export * from './lib/agent-manager';
export * from './lib/clients';
export * from './lib/client-users';
export * from './lib/agents';
