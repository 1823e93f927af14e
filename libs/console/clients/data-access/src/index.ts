export * from './lib/client-detail.store';
export * from './lib/client-form';
export * from './lib/clients.api';
export * from './lib/clients.store';
export * from './lib/member-permissions';
export * from './lib/remote-value';
export * from './lib/usage-chart';
