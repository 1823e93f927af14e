export * from './lib/clients-page';
