export * from './lib/users.api';
export * from './lib/users.store';
export * from './lib/field-errors';
