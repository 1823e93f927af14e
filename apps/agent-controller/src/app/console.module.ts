import { Logger, Module } from '@nestjs/common';
import { ServeStaticModule, ServeStaticModuleOptions } from '@nestjs/serve-static';
import { AppConfig, appConfig } from '@agent-controller/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** `dist/apps/console/browser`, beside this server's `dist/apps/agent-controller`. */
const BUILT_CONSOLE = join(__dirname, '..', 'console', 'browser');

/**
 * Serves the built console at `/` on the API's port; any other path that is not the API gets index.html, so
 * deep links work. Without a built console the controller runs API-only and says so.
 */
@Module({
  imports: [
    ServeStaticModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig): ServeStaticModuleOptions[] => {
        const rootPath = config.http.consoleDir ?? BUILT_CONSOLE;
        if (!existsSync(join(rootPath, 'index.html'))) {
          new Logger('Console').warn(`No built console at ${rootPath}: serving the API only`);
          return [];
        }
        return [{ rootPath, exclude: ['/api/{*splat}', '/metrics'], serveStaticOptions: { index: 'index.html' } }];
      },
    }),
  ],
})
export class ConsoleModule {}
