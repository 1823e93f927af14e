export * from './lib/agents.api';
export * from './lib/agents.store';
export * from './lib/chat.state';
export * from './lib/chat.store';
