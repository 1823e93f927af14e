export * from './lib/audit.api';
export * from './lib/audit.store';
