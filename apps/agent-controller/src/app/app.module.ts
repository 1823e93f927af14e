import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuditModule } from '@agent-controller/audit';
import { AuthModule } from '@agent-controller/auth';
import { ClientsModule } from '@agent-controller/clients';
import { CoreModule, RateLimitModule } from '@agent-controller/core';
import { DatabaseModule } from '@agent-controller/database';
import { ProvisioningModule } from '@agent-controller/provisioning';
import { RemoteAgentProxyModule } from '@agent-controller/remote-agent-proxy';
import { WebhooksModule } from '@agent-controller/webhooks';
import { ConsoleModule } from './console.module';
import { ENTITIES } from './entities';
import { GracefulShutdown } from './graceful-shutdown';
import { HealthController } from './health/health.controller';
import { RedisHealthIndicator } from './health/redis.health';

@Module({
  imports: [
    CoreModule,
    RateLimitModule,
    DatabaseModule.forRoot(ENTITIES),
    AuthModule,
    AuditModule,
    ClientsModule,
    RemoteAgentProxyModule,
    ProvisioningModule,
    WebhooksModule,
    TerminusModule.forRoot({ errorLogStyle: 'json' }),
    ConsoleModule,
  ],
  controllers: [HealthController],
  providers: [GracefulShutdown, RedisHealthIndicator],
})
export class AppModule {}
