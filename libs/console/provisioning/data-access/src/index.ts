export * from './lib/provisioning.api';
export * from './lib/provision-request';
export * from './lib/job-progress';
export * from './lib/provisioning-job.store';
export * from './lib/provisioning-jobs.store';
export * from './lib/provision-wizard.store';
