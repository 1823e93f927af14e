import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig, DomainError, RequestPrincipal } from '@agent-controller/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Registry } from 'prom-client';

export interface MetricsText {
  contentType: string;
  body: string;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Who may read `GET /metrics`, and its Prometheus text. */
@Injectable()
export class MetricsService {
  private readonly tokenDigest?: Buffer;

  constructor(
    private readonly registry: Registry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    this.tokenDigest = config.metrics.token === undefined ? undefined : digest(config.metrics.token);
  }

  /**
   * Decided before authentication: 404 when metrics are disabled; with METRICS_TOKEN the scraper's bearer token
   * alone decides. Without a token, undefined: the caller is authenticated like any other.
   */
  async readWithToken(authorization: string | undefined): Promise<MetricsText | undefined> {
    this.assertEnabled();
    if (!this.tokenDigest) return undefined;
    const token = /^bearer +(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    // Equal-length digests make the comparison constant-time whatever the token's length.
    if (token === undefined || !timingSafeEqual(digest(token), this.tokenDigest)) {
      throw new DomainError('UNAUTHORIZED', 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>"');
    }
    return this.render();
  }

  /** Without METRICS_TOKEN: only a global admin reads the metrics. */
  async readAsPrincipal(principal: RequestPrincipal): Promise<MetricsText> {
    this.assertEnabled();
    if (!principal.isGlobalAdmin) throw new DomainError('FORBIDDEN', 'Only global admins read the metrics');
    return this.render();
  }

  private assertEnabled(): void {
    if (!this.config.metrics.enabled) throw new DomainError('NOT_FOUND', 'Metrics are disabled (METRICS_ENABLED)');
  }

  private async render(): Promise<MetricsText> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
