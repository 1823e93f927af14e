import { randomBytes } from 'node:crypto';

import type { AuthMode } from './auth';
import type { FaultPatch } from './faults';
import type { RateLimitScope } from './rate-limit';

/** Everything `startSimulator` accepts. All fields are optional; see `resolveOptions` for the defaults. */
export interface SimulatorOptions {
  /** TCP port; 0 picks a free one. Default 3000. */
  port?: number;
  /** Socket.IO port (`WEBSOCKET_PORT`); 0 picks a free one. Default 8080. */
  wsPort?: number;
  /** Interval of `containerStats` while a socket is logged in. Default 5000 ms. */
  statsIntervalMs?: number;
  /** Bind address. Default 127.0.0.1 (the real manager binds all interfaces; the simulator is safer). */
  host?: string;
  /** Authentication mode: `api-key` (default) or `keycloak`. */
  auth?: AuthMode;
  /** With `auth: 'keycloak'`: the realm's issuer, e.g. `http://127.0.0.1:8080/realms/agents`. */
  keycloakIssuer?: string;
  /** The static API key (`STATIC_API_KEY`). Generated when absent. */
  apiKey?: string;
  /** `GIT_REPOSITORY_URL`: reported by `/api/config` and the default repository for new agents. */
  gitRepositoryUrl?: string;
  /** `NODE_ENV=production`: origin allowlist on, rate limit 100 per window. */
  production?: boolean;
  /** `CORS_ORIGIN` (list). When set, the origin allowlist applies even outside production. */
  corsOrigins?: string[];
  /** Requests per window per client (`RATE_LIMIT_LIMIT`). Default 10000, or 100 in production. */
  rateLimit?: number;
  /** Window length in seconds (`RATE_LIMIT_TTL`). Default 60. */
  rateLimitTtlSeconds?: number;
  /**
   * `route` (default): one budget per route handler and client IP, like NestJS's ThrottlerGuard key.
   * `ip`: a single budget per client IP across all routes.
   */
  rateLimitScope?: RateLimitScope;
  /** Faults active from the start (and restored by `POST /_simulator/reset`). */
  faults?: FaultPatch;
  /** Token for the `/_simulator` control API. Generated when absent. */
  controlToken?: string;
  /** Receives one line per unexpected 500 and, with `logRequests`, per request. Silent when absent. */
  log?: (line: string) => void;
  /** Log every request through `log`. */
  logRequests?: boolean;
}

export interface ResolvedOptions {
  port: number;
  wsPort: number;
  statsIntervalMs: number;
  host: string;
  auth: AuthMode;
  keycloakIssuer: string | undefined;
  apiKey: string;
  gitRepositoryUrl: string | undefined;
  production: boolean;
  /** `undefined`: allowlist off and CORS open (`*`); an array (possibly empty): allowlist on. */
  corsOrigins: string[] | undefined;
  rateLimit: number;
  rateLimitTtlSeconds: number;
  rateLimitScope: RateLimitScope;
  faults: FaultPatch;
  controlToken: string;
  log: ((line: string) => void) | undefined;
  logRequests: boolean;
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_WS_PORT = 8080;
export const DEFAULT_STATS_INTERVAL_MS = 5000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_RATE_LIMIT = 10000;
export const DEFAULT_PRODUCTION_RATE_LIMIT = 100;
export const DEFAULT_RATE_LIMIT_TTL_SECONDS = 60;

export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got ${value}`);
  }
  return value;
}

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const production = options.production ?? false;
  const corsOrigins = options.corsOrigins?.map((origin) => origin.trim()).filter((origin) => origin.length > 0);
  const auth = options.auth ?? 'api-key';
  if (auth === 'keycloak' && !options.keycloakIssuer) {
    throw new Error('Authentication mode keycloak needs keycloakIssuer (--keycloak-issuer)');
  }
  if (options.apiKey !== undefined && options.apiKey.length === 0) {
    throw new Error('apiKey must not be empty');
  }
  if (options.controlToken !== undefined && options.controlToken.length === 0) {
    throw new Error('controlToken must not be empty');
  }
  return {
    port: checkInteger('port', options.port ?? DEFAULT_PORT, 0, 65535),
    wsPort: checkInteger('wsPort', options.wsPort ?? DEFAULT_WS_PORT, 0, 65535),
    statsIntervalMs: checkInteger('statsIntervalMs', options.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS, 10, 3600000),
    host: options.host ?? DEFAULT_HOST,
    auth,
    keycloakIssuer: options.keycloakIssuer,
    apiKey: options.apiKey ?? generateSecret(),
    gitRepositoryUrl: options.gitRepositoryUrl || undefined,
    production,
    corsOrigins: corsOrigins && corsOrigins.length > 0 ? corsOrigins : production ? [] : undefined,
    rateLimit: checkInteger(
      'rateLimit',
      options.rateLimit ?? (production ? DEFAULT_PRODUCTION_RATE_LIMIT : DEFAULT_RATE_LIMIT),
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    rateLimitTtlSeconds: checkInteger(
      'rateLimitTtlSeconds',
      options.rateLimitTtlSeconds ?? DEFAULT_RATE_LIMIT_TTL_SECONDS,
      1,
      86400,
    ),
    rateLimitScope: options.rateLimitScope ?? 'route',
    faults: options.faults ?? {},
    controlToken: options.controlToken ?? generateSecret(),
    log: options.log,
    logRequests: options.logRequests ?? false,
  };
}
