import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Runs before the global authentication guard, which a scraper's METRICS_TOKEN would not pass: with a token
 * configured the token decides and this answers; without one, the request goes on to the guard and the
 * controller (global admins only).
 */
@Injectable()
export class MetricsAccessMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    const text = await this.metrics.readWithToken(request.headers.authorization);
    if (!text) return next();
    response.setHeader('Content-Type', text.contentType);
    response.send(text.body);
  }
}
