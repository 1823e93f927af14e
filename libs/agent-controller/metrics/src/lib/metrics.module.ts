import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ClientsModule } from '@agent-controller/clients';
import { Registry } from 'prom-client';
import { ClientUsageController } from './client-usage.controller';
import { ClientUsageHourlyEntity } from './client-usage-hourly.entity';
import { ClientUsageRecorder } from './client-usage.recorder';
import { ClientUsageRepository } from './client-usage.repository';
import { ClientUsageService } from './client-usage.service';
import { LeaderMetrics } from './leader.metrics';
import { MetricsAccessMiddleware } from './metrics-access.middleware';
import { MetricsController } from './metrics.controller';
import { createMetricsRegistry } from './metrics-registry';
import { MetricsService } from './metrics.service';
import { ProxyMetrics } from './proxy.metrics';

export const METRICS_ENTITIES = [ClientUsageHourlyEntity];

/** Prometheus metrics per client (`GET /metrics`) and the hourly usage the console reads. */
@Module({
  imports: [ClientsModule],
  controllers: [MetricsController, ClientUsageController],
  providers: [
    { provide: Registry, useFactory: createMetricsRegistry },
    ClientUsageRecorder,
    ClientUsageRepository,
    ClientUsageService,
    LeaderMetrics,
    MetricsService,
    ProxyMetrics,
  ],
  // The registry too: other modules add their own metrics to the same /metrics page.
  exports: [ProxyMetrics, Registry],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MetricsAccessMiddleware).forRoutes(MetricsController);
  }
}
