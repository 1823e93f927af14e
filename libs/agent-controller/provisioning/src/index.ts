export * from './lib/provisioning.module';
