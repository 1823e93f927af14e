import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig, appConfig } from '@agent-controller/core';
import express, { Express, Request, Response } from 'express';
import { existsSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

/** `dist/apps/console/browser`, beside this server's `dist/apps/agent-controller`. */
const BUILT_CONSOLE = join(__dirname, '..', 'console', 'browser');

/** Paths that are never the console: the API, metrics and Socket.IO keep their own answers (JSON 404s). */
const NOT_CONSOLE = /^\/(api|metrics|socket\.io)(\/|$)/;

/** The Angular build's content-hashed names (`main-DFBGDH4S.js`): their content never changes under that name. */
const CONTENT_HASHED = /-[A-Z0-9]{8}\.(js|css)(\.br|\.gz)?$/;

/** The build's precompressed variants (tools/scripts/precompress-console.mjs), preferred in this order. */
const ENCODINGS = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/**
 * Serves the built console at `/` on the API's port; any other GET outside the API gets index.html, so deep
 * links work. Without a built console the controller runs API-only and says so.
 *
 * Hashed assets are cached for a year and sent precompressed when the browser accepts it; index.html is
 * revalidated on every load, so a new build shows at once.
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
    // Listed once: the build does not change under a running server.
    const files = new Set(readdirSync(rootPath, { recursive: true, encoding: 'utf8' }).map((name) => `/${name}`));
    const assets = express.static(rootPath, {
      setHeaders: (response, path) => {
        if (CONTENT_HASHED.test(path)) response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        else if (path.endsWith('index.html')) response.setHeader('Cache-Control', 'no-cache');
      },
    });
    /** Points the request at the best precompressed variant the browser accepts, with the original's type. */
    const choosePrecompressed = (request: Request, response: Response): void => {
      const variants = ENCODINGS.filter(({ suffix }) => files.has(request.path + suffix));
      if (variants.length === 0) return;
      response.vary('Accept-Encoding');
      const accepted = request.acceptsEncodings(...variants.map(({ encoding }) => encoding));
      const chosen = variants.find(({ encoding }) => encoding === accepted);
      if (!chosen) return;
      response.setHeader('Content-Encoding', chosen.encoding);
      response.type(extname(request.path));
      request.url = request.url.replace(request.path, request.path + chosen.suffix);
    };

    // Registered at module init: after the API's routes, before Nest's not-found handler.
    const app = this.adapterHost.httpAdapter.getInstance<Express>();
    const isConsolePath = (path: string) => !NOT_CONSOLE.test(path);
    app.use((request, response, next) => {
      if (!isConsolePath(request.path)) return next();
      // Only what express.static answers: anything else falls through without our headers.
      if (request.method === 'GET' || request.method === 'HEAD') choosePrecompressed(request, response);
      assets(request, response, next);
    });
    app.get(/.*/, (request, response, next) => {
      if (!isConsolePath(request.path)) return next();
      response.setHeader('Cache-Control', 'no-cache');
      response.sendFile(indexFile);
    });
  }
}
