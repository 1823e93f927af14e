export * from './lib/users.api';
export * from './lib/users.store';
