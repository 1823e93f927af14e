export * from './lib/webhooks.module';
export * from './lib/webhook-signature';
export * from './lib/webhook-retry';
export * from './lib/health-debounce';
