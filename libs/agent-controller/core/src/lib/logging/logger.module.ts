import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig, appConfig } from '../config/app-config';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Accepts a caller's `X-Request-Id` when it is a sane token, otherwise makes one; echoes it back. */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/** Paths whose values never reach a log line. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.accessToken',
];

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({
        // Every route, in the path syntax of Express 5 (nestjs-pino's default '*' makes Nest warn at each start).
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.logLevel,
          // The request-id middleware runs first; reuse its id.
          genReqId: (request, response) => (request as { id?: string }).id ?? assignRequestId(request, response),
          redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
          autoLogging: { ignore: (request) => request.url === '/api/health' },
          // 503 is a known passing state (database restarting, not ready), logged once by its cause: a warning.
          customLogLevel: (_request, response, error) =>
            // 503: our database is away (expected, retried); 501: a route declined by design (Agenstra's autonomy).
            response.statusCode === 503 || response.statusCode === 501
              ? 'warn'
              : error || response.statusCode >= 500
                ? 'error'
                : response.statusCode >= 400
                  ? 'warn'
                  : 'info',
        },
      }),
    }),
  ],
})
export class AppLoggerModule {}
