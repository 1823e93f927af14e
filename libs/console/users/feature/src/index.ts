export * from './lib/users-page';
export * from './lib/create-user-dialog';
export * from './lib/change-password-dialog';
export * from './lib/tokens-page';
export * from './lib/create-token-dialog';
export * from './lib/webhooks-page';
export * from './lib/create-webhook-dialog';
export * from './lib/webhook-detail-page';
