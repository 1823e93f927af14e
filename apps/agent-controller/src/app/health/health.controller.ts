import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DomainError, Public, RedisConnection } from '@agent-controller/core';
import { SkipThrottle } from '@nestjs/throttler';
import { GracefulShutdown } from '../graceful-shutdown';
import { RedisHealthIndicator } from './redis.health';

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly shutdown: GracefulShutdown,
    private readonly redis: RedisConnection,
    private readonly redisHealth: RedisHealthIndicator,
  ) {}

  /** Liveness: the process answers. Never touches the database, so a slow database does not get it restarted. */
  @Get()
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Readiness: not shutting down, and the database answers within 3 s. Redis, when configured, is reported
   * (degraded, never down).
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    if (!this.shutdown.ready) throw new DomainError('SERVICE_UNAVAILABLE', 'This replica is shutting down');
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 3000 }),
      ...(this.redis.enabled ? [() => this.redisHealth.check()] : []),
    ]);
  }
}
