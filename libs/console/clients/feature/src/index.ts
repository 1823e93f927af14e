export * from './lib/client-detail-page';
export * from './lib/clients-page';
export * from './lib/rotate-key-dialog';
export * from './lib/delete-client-dialog';
export * from './lib/bulk-dialog';
