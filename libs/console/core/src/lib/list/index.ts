export * from './list-url-state';
export * from './paged-list.store';
