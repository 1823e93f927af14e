export * from './lib/agent-detail-page';
export * from './lib/agents-page';
export * from './lib/chat-page';
export * from './lib/fleet-agents-page';
