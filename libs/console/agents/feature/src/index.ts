export * from './lib/agents-page';
export * from './lib/chat-page';
