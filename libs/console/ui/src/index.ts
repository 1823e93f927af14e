export * from './lib/confirm-dialog';
export * from './lib/weak-key-badge';
