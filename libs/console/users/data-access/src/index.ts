export * from './lib/users.api';
export * from './lib/users.store';
export * from './lib/tokens.api';
export * from './lib/tokens.store';
export * from './lib/webhooks.api';
export * from './lib/webhooks.store';
