export * from './lib/confirm-dialog';
export * from './lib/weak-key-badge';
export * from './lib/relative-time';
export * from './lib/clock';
export * from './lib/time';
export * from './lib/list-kit';
export * from './lib/health-strip';
export * from './lib/breadcrumbs';
