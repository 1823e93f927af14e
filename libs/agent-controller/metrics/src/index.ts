export * from './lib/metrics.module';
export * from './lib/proxy.metrics';
export * from './lib/proxy-route-group';
export { ClientUsageHourlyEntity } from './lib/client-usage-hourly.entity';
