import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '@agent-controller/auth';
import { CoreModule, RateLimitModule } from '@agent-controller/core';
import { DatabaseModule } from '@agent-controller/database';
import { ENTITIES } from './entities';
import { HealthController } from './health/health.controller';

@Module({
  imports: [
    CoreModule,
    RateLimitModule,
    DatabaseModule.forRoot(ENTITIES),
    AuthModule,
    TerminusModule.forRoot({ errorLogStyle: 'json' }),
  ],
  controllers: [HealthController],
})
export class AppModule {}
