export * from './lib/provisioning.module';
export { ProvisioningJobEntity } from './lib/jobs/provisioning-job.entity';
export { ProvisioningJobsRepository } from './lib/jobs/provisioning-jobs.repository';
