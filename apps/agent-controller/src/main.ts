import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import {
  AppConfig,
  appConfig,
  bodyParserErrorMiddleware,
  contentSecurityDirectives,
  InvalidConfigError,
  jsonOnlyMiddleware,
  loadAppConfig,
  requestIdMiddleware,
} from '@agent-controller/core';
import compression from 'compression';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app/app.module';
import { GatewayIoAdapter } from './app/gateway-io.adapter';
import { GracefulShutdown } from './app/graceful-shutdown';
import { serveOpenApi } from './app/openapi';

async function bootstrap(): Promise<void> {
  const startedAt = performance.now();
  // Fail fast on bad configuration with just the message; Nest would otherwise print a stack trace first.
  loadAppConfig(process.env);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    abortOnError: false,
    // Registered below, after the request-id middleware, with our own error mapping.
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  const config = app.get<AppConfig>(appConfig.KEY);

  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  app.set('trust proxy', config.http.trustProxy);
  // No ETag: hashing every answer (a relayed agents list included) costs CPU on each request and only pays when a
  // caller revalidates, which API callers do not. The console's assets keep theirs (express.static); its index.html
  // revalidates by Last-Modified.
  app.set('etag', false);
  app.use(helmet({ contentSecurityPolicy: { directives: contentSecurityDirectives(config) } }));
  // Answers of 1 KB or more (API JSON, metrics) compressed for callers that accept it; the console's assets come
  // precompressed (their Content-Encoding makes this pass them by), Socket.IO does not go through Express.
  app.use(compression({ threshold: 1024 }));
  app.use(requestIdMiddleware);
  app.use(jsonOnlyMiddleware);
  // strict: false lets a bare JSON value through to validation, which names what was expected.
  app.useBodyParser('json', { limit: '1mb', strict: false, type: ['application/json', 'application/*+json'] });
  app.use(bodyParserErrorMiddleware);
  // No CORS unless origins are configured: the console is served from the same origin.
  if (config.http.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.http.corsOrigins,
      exposedHeaders: ['X-Total-Count', 'X-Request-Id', 'Retry-After'],
    });
  }
  const gatewayAdapter = new GatewayIoAdapter(app, config);
  app.useWebSocketAdapter(gatewayAdapter);
  // Instead of app.enableShutdownHooks(): drain first, then the modules' shutdown hooks.
  app.get(GracefulShutdown).handleSignals(app, () => gatewayAdapter.servers);
  serveOpenApi(app);

  const server = app.getHttpServer();
  server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  // Node's own rule: headersTimeout must exceed keepAliveTimeout, or a slow first request on a reused connection is cut.
  server.headersTimeout = config.http.keepAliveTimeoutMs + 1000;
  await app.listen(config.http.port, config.http.host);
  const database =
    config.database.kind === 'embedded'
      ? `embedded PostgreSQL at ${config.database.dataDir}`
      : `PostgreSQL server ${describeServer(config)}`;
  logger.log(
    `Agent Controller listening on http://${config.http.host}:${config.http.port}/api (database: ${database}; auth: ${config.auth.method}; ready in ${Math.round(performance.now() - startedAt)} ms)`,
    'Bootstrap',
  );
}

function describeServer(config: AppConfig): string {
  if (config.database.kind !== 'server') return '';
  if (config.database.url) {
    const url = new URL(config.database.url);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  }
  return `${config.database.host}:${config.database.port}/${config.database.database}`;
}

bootstrap().catch((error: unknown) => {
  // Configuration problems are the operator's to fix: say which variable, without a stack trace.
  const message =
    error instanceof InvalidConfigError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`Agent Controller failed to start: ${message}\n`);
  process.exit(1);
});
