export * from './lib/loaded';
export * from './lib/overview.api';
export * from './lib/overview.store';
