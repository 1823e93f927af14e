import { registerAs } from '@nestjs/config';
import { AuthenticationMethod } from '@agent-controller/shared-contracts';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import { envSchema, KeycloakTokenValidation } from './app-config.schema';
import { readOrCreateLocalSecret } from './local-secret';

export type DatabaseConfig =
  | {
      kind: 'server';
      url?: string;
      host: string;
      port: number;
      username: string;
      password?: string;
      database: string;
      ssl: boolean;
      poolSize: number;
      /** A statement running longer is cancelled by the server (0: no limit); migrations are exempt. */
      statementTimeoutMs: number;
    }
  | { kind: 'embedded'; dataDir: string };

/** How `keycloak` mode validates the bearer tokens it receives; present only in that mode. */
export interface KeycloakAuthConfig {
  /** `{KEYCLOAK_AUTH_SERVER_URL}/realms/{KEYCLOAK_REALM}`: the `iss` every token must carry. */
  issuer: string;
  realm: string;
  /** This controller's client: tokens must name it in `aud` or `azp`; ONLINE mode introspects as it. */
  clientId: string;
  clientSecret?: string;
  /**
   * The console's public client (KEYCLOAK_CONSOLE_CLIENT_ID, default clientId): the console signs users in as this
   * client, and tokens it obtained (`azp`) are accepted like tokens naming clientId.
   */
  consoleClientId: string;
  /** Scope the console asks for (space-separated, includes `openid`). */
  consoleScope: string;
  tokenValidation: KeycloakTokenValidation;
  /** Realm role (in `realm_access.roles`) that makes a user a global admin. */
  adminRole: string;
  /** ONLINE: how long an active introspection answer is reused; 0 asks Keycloak on every request. */
  introspectionCacheSeconds: number;
  /** Time limit of every call to Keycloak (JWKS, introspection). */
  requestTimeoutMs: number;
}

/** The per-account log-in budget (users mode); see LoginThrottle in the auth module. */
export interface LoginAccountLimits {
  /** Failures answered at once. */
  freeFailures: number;
  /** Wait after the first failure beyond the free ones; doubles with each further one (capped). */
  delaySeconds: number;
  /** Failures within the window that lock the account. */
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

export interface AppConfig {
  environment: 'development' | 'production' | 'test';
  isProduction: boolean;
  http: {
    host: string;
    port: number;
    corsOrigins: string[];
    trustProxy: boolean | number | string;
    keepAliveTimeoutMs: number;
    /** On SIGTERM: serve this long while reporting not ready, so the load balancer stops sending (DESIGN §8). */
    shutdownReadinessDelayMs: number;
    /** Then stop accepting and give in-flight requests this long to finish. */
    shutdownDrainMs: number;
    /** Where the built console is; undefined: next to the server's own build. */
    consoleDir?: string;
  };
  logLevel: string;
  dataDir: string;
  database: DatabaseConfig;
  encryption: { key: Buffer; previousKeys: Buffer[] };
  auth: {
    method: AuthenticationMethod;
    staticApiKey?: string;
    jwtSecret: string;
    jwtExpiresInSeconds: number;
    keycloak?: KeycloakAuthConfig;
  };
  rateLimit: { ttlSeconds: number; max: number; loginMax: number; loginAccount: LoginAccountLimits };
  clients: {
    healthIntervalMs: number;
    healthTimeoutMs: number;
    healthConcurrency: number;
    degradedLatencyMs: number;
    /** Host names (or `*.suffix` patterns) endpoints may use; empty means any public host. */
    endpointAllowedHosts: string[];
    /** Loopback, private, link-local, CGNAT and unspecified targets; allowed outside production by default. */
    allowInternalHosts: boolean;
    /** The environments a client may be in (CLIENT_ENVIRONMENTS); a client created without one is in the first. */
    environments: string[];
  };
  remote: {
    requestTimeoutMs: number;
    /** For the routes marked long-running (agent create, git network operations, verify-commands, …). */
    longRequestTimeoutMs: number;
    clientRateLimitPerMinute: number;
  };
  gateway: {
    /** Own port for Socket.IO; undefined shares the API's port. */
    port?: number;
    /** How often an open socket's access to its client is checked again. */
    accessRecheckMs: number;
    reconnectAttempts: number;
    reconnectDelayMs: number;
  };
  /**
   * The access caches (users, clients with their credentials, memberships): memory only, dropped on every change
   * told on the event bus, and bypassed while the bus cannot hear other replicas.
   */
  accessCache: { ttlMs: number; maxEntries: number };
  /** `GET /metrics`: with a token, scrapers send it as a bearer; without, a global admin's credentials are needed. */
  metrics: {
    enabled: boolean;
    token?: string;
    /** Per-client usage is summed in memory and added to the database this often (and on shutdown). */
    usageFlushIntervalMs: number;
  };
  /** The fleet's Redis: shared Socket.IO rooms, events and rate-limit budgets. Unset: all of it in this process. */
  redis?: { url: string; keyPrefix: string };
  /** Default Keycloak base URL of keycloak clients (outbound); in keycloak mode also the inbound IdP. */
  keycloak: { authServerUrl?: string };
  provisioning: ProvisioningConfig;
  webhooks: WebhooksConfig;
}

/** Outgoing webhooks: the delivery worker's pace, retries, and the health debounce. */
export interface WebhooksConfig {
  pollMs: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** A delivery not delivered within this long after it was made is given up. */
  retryForMs: number;
  /** Consecutive failed attempts that disable a webhook. */
  disableAfterFailures: number;
  /** How long a new health state must hold before it is announced. */
  healthHoldMs: number;
}

export interface ProvisioningConfig {
  /** This controller's URL as provisioned servers reach it (bootstrap); without it secrets go into user data. */
  publicUrl?: string;
  hetzner: { token?: string; baseUrl: string };
  digitalOcean: { token?: string; baseUrl: string };
  /** `admin`: only global admins provision; `user`: any signed-in user (they become the client's creator). */
  allowedRole: 'admin' | 'user';
  agentManagerImage: string;
  /** The new client's endpoint from the server's IPv4: `{ip}` or `{ipDashed}` (1-2-3-4) are replaced. */
  endpointTemplate: string;
  agentWsPort: number;
  pollIntervalMs: number;
  serverTimeoutMs: number;
  healthTimeoutMs: number;
  reconcileIntervalMs: number;
  orphanGraceMs: number;
  deleteOrphans: boolean;
}

/** Thrown at start-up; the message names every bad variable. */
export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** Validates the environment once and returns the typed configuration. Nothing else reads `process.env`. */
export function loadAppConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty value (`FOO=` in an env file or compose) means "not set", as operators expect.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    throw new InvalidConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const dataDir = resolve(e.DATA_DIR);
  const problems: string[] = [];

  if (e.AUTHENTICATION_METHOD === 'api-key' && !e.STATIC_API_KEY) {
    problems.push('STATIC_API_KEY: required when AUTHENTICATION_METHOD=api-key');
  }
  if (e.AUTHENTICATION_METHOD === 'keycloak') {
    const required: Array<[string, unknown]> = [
      ['KEYCLOAK_AUTH_SERVER_URL', e.KEYCLOAK_AUTH_SERVER_URL],
      ['KEYCLOAK_REALM', e.KEYCLOAK_REALM],
      ['KEYCLOAK_CLIENT_ID', e.KEYCLOAK_CLIENT_ID],
    ];
    for (const [name, value] of required) {
      if (!value) problems.push(`${name}: required when AUTHENTICATION_METHOD=keycloak`);
    }
    if (e.KEYCLOAK_TOKEN_VALIDATION === 'ONLINE' && !e.KEYCLOAK_CLIENT_SECRET) {
      problems.push('KEYCLOAK_CLIENT_SECRET: required when KEYCLOAK_TOKEN_VALIDATION=ONLINE (token introspection)');
    }
  }
  if (isProduction && !e.ENCRYPTION_KEY) {
    problems.push('ENCRYPTION_KEY: required in production (base64 of 32 random bytes)');
  }
  if (isProduction && e.AUTHENTICATION_METHOD === 'users' && !e.JWT_SECRET) {
    problems.push('JWT_SECRET: required in production (at least 32 characters)');
  }
  if (problems.length > 0) throw new InvalidConfigError(problems);

  const database: DatabaseConfig =
    e.DATABASE_URL || e.DB_HOST
      ? {
          kind: 'server',
          url: e.DATABASE_URL,
          host: e.DB_HOST ?? 'localhost',
          port: e.DB_PORT,
          username: e.DB_USERNAME,
          password: e.DB_PASSWORD,
          database: e.DB_DATABASE,
          ssl: e.DB_SSL,
          poolSize: e.DB_POOL_SIZE,
          statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_SECONDS * 1000,
        }
      : { kind: 'embedded', dataDir: resolve(dataDir, 'postgres') };

  return {
    environment: e.NODE_ENV,
    isProduction,
    http: {
      host: e.HOST,
      port: e.PORT,
      corsOrigins: e.CORS_ORIGIN ?? [],
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT * 1000,
      // Only replicas behind a balancer need time to be taken out; the embedded database means one process.
      shutdownReadinessDelayMs: (e.SHUTDOWN_READINESS_DELAY_SECONDS ?? (database.kind === 'server' ? 5 : 0)) * 1000,
      shutdownDrainMs: e.SHUTDOWN_DRAIN_SECONDS * 1000,
      consoleDir: e.CONSOLE_DIR ? resolve(e.CONSOLE_DIR) : undefined,
    },
    logLevel: e.LOG_LEVEL,
    dataDir,
    database,
    encryption: {
      // Outside production a key is generated once and kept beside the data, never a built-in constant.
      key: Buffer.from(e.ENCRYPTION_KEY ?? readOrCreateLocalSecret(dataDir, 'encryption.key', 32), 'base64'),
      previousKeys: (e.ENCRYPTION_PREVIOUS_KEYS ?? []).map((key) => Buffer.from(key, 'base64')),
    },
    auth: {
      method: e.AUTHENTICATION_METHOD,
      staticApiKey: e.STATIC_API_KEY,
      // Production without JWT_SECRET is api-key or keycloak mode (checked above), where the controller signs no token.
      jwtSecret:
        e.JWT_SECRET ??
        (isProduction ? randomBytes(48).toString('base64') : readOrCreateLocalSecret(dataDir, 'jwt.secret', 48)),
      jwtExpiresInSeconds: e.JWT_EXPIRES_IN_SECONDS,
      keycloak:
        e.AUTHENTICATION_METHOD === 'keycloak' && e.KEYCLOAK_AUTH_SERVER_URL && e.KEYCLOAK_REALM && e.KEYCLOAK_CLIENT_ID
          ? {
              issuer: `${e.KEYCLOAK_AUTH_SERVER_URL.replace(/\/+$/, '')}/realms/${encodeURIComponent(e.KEYCLOAK_REALM)}`,
              realm: e.KEYCLOAK_REALM,
              clientId: e.KEYCLOAK_CLIENT_ID,
              clientSecret: e.KEYCLOAK_CLIENT_SECRET,
              consoleClientId: e.KEYCLOAK_CONSOLE_CLIENT_ID ?? e.KEYCLOAK_CLIENT_ID,
              consoleScope: e.KEYCLOAK_CONSOLE_SCOPE,
              tokenValidation: e.KEYCLOAK_TOKEN_VALIDATION,
              adminRole: e.KEYCLOAK_ADMIN_ROLE,
              introspectionCacheSeconds: e.KEYCLOAK_INTROSPECTION_CACHE_SECONDS,
              requestTimeoutMs: e.KEYCLOAK_REQUEST_TIMEOUT_MS,
            }
          : undefined,
    },
    clients: {
      healthIntervalMs: e.CLIENT_HEALTH_INTERVAL * 1000,
      healthTimeoutMs: e.CLIENT_HEALTH_TIMEOUT_MS,
      healthConcurrency: e.CLIENT_HEALTH_CONCURRENCY,
      degradedLatencyMs: e.CLIENT_HEALTH_DEGRADED_LATENCY_MS,
      endpointAllowedHosts: (e.CLIENT_ENDPOINT_ALLOWED_HOSTS ?? []).map((host) => host.toLowerCase()),
      allowInternalHosts: e.CLIENT_ENDPOINT_ALLOW_INTERNAL_HOST ?? !isProduction,
      environments: e.CLIENT_ENVIRONMENTS,
    },
    remote: {
      requestTimeoutMs: e.REMOTE_REQUEST_TIMEOUT,
      longRequestTimeoutMs: e.REMOTE_LONG_REQUEST_TIMEOUT,
      clientRateLimitPerMinute: e.CLIENT_RATE_LIMIT,
    },
    gateway: {
      port: e.WEBSOCKET_PORT,
      accessRecheckMs: e.GATEWAY_ACCESS_RECHECK_SECONDS * 1000,
      reconnectAttempts: e.GATEWAY_RECONNECT_ATTEMPTS,
      reconnectDelayMs: e.GATEWAY_RECONNECT_DELAY_MS,
    },
    accessCache: { ttlMs: e.ACCESS_CACHE_TTL_SECONDS * 1000, maxEntries: e.ACCESS_CACHE_MAX_ENTRIES },
    metrics: { enabled: e.METRICS_ENABLED, token: e.METRICS_TOKEN, usageFlushIntervalMs: e.USAGE_FLUSH_INTERVAL_MS },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX } : undefined,
    keycloak: { authServerUrl: e.KEYCLOAK_AUTH_SERVER_URL },
    provisioning: {
      publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
      hetzner: { token: e.HETZNER_API_TOKEN, baseUrl: e.HETZNER_API_URL.replace(/\/+$/, '') },
      digitalOcean: { token: e.DIGITALOCEAN_API_TOKEN, baseUrl: e.DIGITALOCEAN_API_URL.replace(/\/+$/, '') },
      allowedRole: e.PROVISIONING_ALLOWED_ROLE,
      agentManagerImage: e.PROVISIONING_AGENT_MANAGER_IMAGE,
      endpointTemplate: e.PROVISIONING_ENDPOINT_TEMPLATE,
      agentWsPort: e.PROVISIONING_AGENT_WS_PORT,
      pollIntervalMs: e.PROVISIONING_POLL_INTERVAL_MS,
      serverTimeoutMs: e.PROVISIONING_SERVER_TIMEOUT * 1000,
      healthTimeoutMs: e.PROVISIONING_HEALTH_TIMEOUT * 1000,
      reconcileIntervalMs: e.PROVISIONING_RECONCILE_INTERVAL * 1000,
      orphanGraceMs: e.PROVISIONING_ORPHAN_GRACE * 1000,
      deleteOrphans: e.PROVISIONING_DELETE_ORPHANS,
    },
    webhooks: {
      pollMs: e.WEBHOOK_POLL_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      retryForMs: e.WEBHOOK_RETRY_FOR_SECONDS * 1000,
      disableAfterFailures: e.WEBHOOK_DISABLE_AFTER_FAILURES,
      healthHoldMs: e.WEBHOOK_HEALTH_HOLD_SECONDS * 1000,
    },
    rateLimit: {
      ttlSeconds: e.RATE_LIMIT_TTL_SECONDS,
      max: e.RATE_LIMIT_MAX,
      loginMax: e.LOGIN_RATE_LIMIT_MAX,
      loginAccount: {
        freeFailures: e.LOGIN_ACCOUNT_FREE_FAILURES,
        delaySeconds: e.LOGIN_ACCOUNT_DELAY_SECONDS,
        maxFailures: e.LOGIN_ACCOUNT_MAX_FAILURES,
        windowSeconds: e.LOGIN_ACCOUNT_WINDOW_SECONDS,
        lockSeconds: e.LOGIN_ACCOUNT_LOCK_SECONDS,
      },
    },
  };
}

export type EnvInput = z.input<typeof envSchema>;

/** Nest configuration namespace; inject with `@Inject(appConfig.KEY) config: AppConfig`. */
export const appConfig = registerAs('app', (): AppConfig => loadAppConfig(process.env));
