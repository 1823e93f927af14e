export * from './list-card';
export * from './list-sort';
export * from './paged-table';
