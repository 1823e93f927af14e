export * from './lib/provisioning-page';
export * from './lib/provisioning-job-page';
