export * from './lib/errors';
export * from './lib/paging';
export * from './lib/auth';
