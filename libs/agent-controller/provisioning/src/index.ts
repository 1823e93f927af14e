export * from './lib/provisioning.module';
export { ProvisioningProgress } from './lib/jobs/provisioning-progress';
