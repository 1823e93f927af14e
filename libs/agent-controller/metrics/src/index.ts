export * from './lib/metrics.module';
export * from './lib/proxy.metrics';
export * from './lib/proxy-route-group';
export { ClientUsageHourlyEntity } from './lib/client-usage-hourly.entity';
export { ClientUsageRepository } from './lib/client-usage.repository';
export type { ClientUsageTotal, UsageIncrement } from './lib/client-usage.repository';
