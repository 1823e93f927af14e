import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig, appConfig } from '@agent-controller/core';
import express, { Express } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** `dist/apps/console/browser`, beside this server's `dist/apps/agent-controller`. */
const BUILT_CONSOLE = join(__dirname, '..', 'console', 'browser');

/** Paths that are never the console: the API, metrics and Socket.IO keep their own answers (JSON 404s). */
const NOT_CONSOLE = /^\/(api|metrics|socket\.io)(\/|$)/;

/**
 * Serves the built console at `/` on the API's port; any other GET outside the API gets index.html, so deep
 * links work. Without a built console the controller runs API-only and says so.
 *
 * Not @nestjs/serve-static: its Express loader adds an error handler that turns every error on an excluded
 * path (all of /api) into a 404, which would hide our 400/413/415 answers for bad bodies.
 */
@Module({})
export class ConsoleModule implements OnModuleInit {
  private readonly logger = new Logger('Console');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const rootPath = this.config.http.consoleDir ?? BUILT_CONSOLE;
    const indexFile = join(rootPath, 'index.html');
    if (!existsSync(indexFile)) {
      this.logger.warn(`No built console at ${rootPath}: serving the API only`);
      return;
    }
    // Registered at module init: after the API's routes, before Nest's not-found handler.
    const app = this.adapterHost.httpAdapter.getInstance<Express>();
    const isConsolePath = (path: string) => !NOT_CONSOLE.test(path);
    const assets = express.static(rootPath);
    app.use((request, response, next) => (isConsolePath(request.path) ? assets(request, response, next) : next()));
    app.get(/.*/, (request, response, next) => (isConsolePath(request.path) ? response.sendFile(indexFile) : next()));
  }
}
