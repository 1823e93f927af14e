import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestPrincipal } from '@agent-controller/core';
import type { Response } from 'express';
import { MetricsService } from './metrics.service';

/** `GET /metrics`, outside `/api`; with METRICS_TOKEN configured, `MetricsAccessMiddleware` answers instead. */
@ApiTags('metrics')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description:
      'Prometheus text format. With METRICS_TOKEN set: "Authorization: Bearer <METRICS_TOKEN>" only; otherwise ' +
      'a global admin. 404 when METRICS_ENABLED=false.',
    schema: { type: 'string' },
  })
  async readMetrics(@CurrentPrincipal() principal: RequestPrincipal, @Res({ passthrough: true }) response: Response) {
    const text = await this.metrics.readAsPrincipal(principal);
    response.setHeader('Content-Type', text.contentType);
    return text.body;
  }
}
