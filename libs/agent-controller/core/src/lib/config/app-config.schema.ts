import { z } from 'zod';
import {
  AUTHENTICATION_METHODS,
  DEFAULT_CLIENT_ENVIRONMENTS,
  environmentNameProblem,
} from '@agent-controller/shared-contracts';

const bool = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] });
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().min(1);
const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);
const base64Key = z
  .string()
  .trim()
  .refine(
    (value) => /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').length === 32,
    'must be the base64 encoding of 32 bytes (openssl rand -base64 32)',
  );

export const KEYCLOAK_TOKEN_VALIDATIONS = ['OFFLINE', 'ONLINE'] as const;
export type KeycloakTokenValidation = (typeof KEYCLOAK_TOKEN_VALIDATIONS)[number];

/** Every environment variable the controller reads. `.env.example` documents each one. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().optional(),
  HTTP_KEEP_ALIVE_TIMEOUT: positiveInt
    .max(3600)
    .default(65)
    .describe("seconds an idle keep-alive connection stays open; above the load balancer's idle timeout"),
  SHUTDOWN_READINESS_DELAY_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(300)
    .optional()
    .describe('seconds a replica keeps serving, not ready, after SIGTERM; default 5 on a server database, else 0'),
  SHUTDOWN_DRAIN_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(10)
    .describe('seconds in-flight requests get to finish on shutdown before they are cut'),
  CORS_ORIGIN: csv.optional(),
  CONSOLE_DIR: z
    .string()
    .min(1)
    .optional()
    .describe("the built console (index.html); default: beside the server's build"),

  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, hostname: /.+/ })
    .optional()
    .describe('postgres:// URL of a PostgreSQL server'),
  DB_HOST: z.string().min(1).optional(),
  DB_PORT: port.default(5432),
  DB_USERNAME: z.string().min(1).default('postgres'),
  DB_PASSWORD: z.string().optional(),
  DB_DATABASE: z.string().min(1).default('agent_controller'),
  DB_SSL: bool.default(false),
  DB_POOL_SIZE: positiveInt.max(200).default(10),
  DB_STATEMENT_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600)
    .default(30)
    .describe('a statement running longer is cancelled and the request answers 503; 0: no limit (server only)'),
  DATA_DIR: z.string().min(1).default('./data'),

  REDIS_URL: z
    .url({ protocol: /^rediss?$/, hostname: /.+/ })
    .optional()
    .describe('redis:// or rediss:// URL; needed by more than one replica'),
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('agent-controller:'),

  ENCRYPTION_KEY: base64Key.optional(),
  ENCRYPTION_PREVIOUS_KEYS: csv.pipe(z.array(base64Key)).optional(),

  AUTHENTICATION_METHOD: z.enum(AUTHENTICATION_METHODS).default('users'),
  STATIC_API_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_EXPIRES_IN_SECONDS: positiveInt.max(86_400).default(3600),

  CLIENT_HEALTH_INTERVAL: positiveInt.max(86_400).default(30).describe('seconds between health checks of a client'),
  CLIENT_HEALTH_TIMEOUT_MS: positiveInt.max(120_000).default(5000),
  CLIENT_HEALTH_CONCURRENCY: positiveInt.max(200).default(10),
  CLIENT_HEALTH_DEGRADED_LATENCY_MS: positiveInt.default(2000),
  CLIENT_ENDPOINT_ALLOWED_HOSTS: csv.optional(),
  CLIENT_ENVIRONMENTS: csv
    .pipe(
      z
        .array(z.string())
        .min(1, 'must name at least one environment')
        .superRefine((names, context) => {
          for (const name of names) {
            const problem = environmentNameProblem(name);
            if (problem) context.addIssue({ code: 'custom', message: `"${name}" ${problem}` });
          }
          const repeated = names.filter((name, index) => names.indexOf(name) !== index);
          if (repeated.length > 0) context.addIssue({ code: 'custom', message: `"${repeated[0]}" is named twice` });
        }),
    )
    .default([...DEFAULT_CLIENT_ENVIRONMENTS])
    .describe('the environments a client may be in, comma-separated; a new client is in the first'),
  CLIENT_ENDPOINT_ALLOW_INTERNAL_HOST: bool.optional(),
  // The throttler keeps one entry per call in the window: bounded so a window stays cheap to scan.
  CLIENT_RATE_LIMIT: positiveInt.max(100_000).default(1200).describe('proxied calls per client and minute'),
  REMOTE_REQUEST_TIMEOUT: positiveInt.max(600_000).default(30_000).describe('milliseconds'),
  REMOTE_LONG_REQUEST_TIMEOUT: positiveInt
    .max(3_600_000)
    .default(300_000)
    .describe('milliseconds, for remote routes that legitimately take long (agent create, git push/pull, …)'),
  WEBSOCKET_PORT: port.optional().describe('own port for the Socket.IO gateway; unset shares PORT'),
  GATEWAY_ACCESS_RECHECK_SECONDS: positiveInt.max(3600).default(30),
  GATEWAY_RECONNECT_ATTEMPTS: positiveInt.max(100).default(5),
  GATEWAY_RECONNECT_DELAY_MS: positiveInt.max(60_000).default(1000),
  ACCESS_CACHE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(60)
    .describe('how long a cached user, client or membership is trusted without an invalidation; 0 turns the cache off'),
  ACCESS_CACHE_MAX_ENTRIES: positiveInt.max(1_000_000).default(10_000).describe('entries per access cache'),
  METRICS_ENABLED: bool.default(true),
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  USAGE_FLUSH_INTERVAL_MS: positiveInt
    .max(300_000)
    .default(5000)
    .describe('milliseconds between writes of the per-client hourly usage'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('how provisioned servers reach this controller'),
  HETZNER_API_TOKEN: z.string().min(1).optional(),
  HETZNER_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.hetzner.cloud/v1'),
  DIGITALOCEAN_API_TOKEN: z.string().min(1).optional(),
  DIGITALOCEAN_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.digitalocean.com'),
  PROVISIONING_ALLOWED_ROLE: z.enum(['admin', 'user']).default('admin'),
  PROVISIONING_AGENT_MANAGER_IMAGE: z.string().min(1).default('ghcr.io/forepath/agenstra-manager-api:1.0.0'),
  PROVISIONING_ENDPOINT_TEMPLATE: z
    .string()
    .refine((value) => value.includes('{ip}') || value.includes('{ipDashed}'), 'must contain {ip} or {ipDashed}')
    .default('https://{ipDashed}.sslip.io'),
  PROVISIONING_AGENT_WS_PORT: port.default(8443),
  PROVISIONING_POLL_INTERVAL_MS: positiveInt.max(60_000).default(5000),
  PROVISIONING_SERVER_TIMEOUT: positiveInt.max(86_400).default(600).describe('seconds until the server runs'),
  PROVISIONING_HEALTH_TIMEOUT: positiveInt.max(86_400).default(900).describe('seconds until the agent-manager answers'),
  PROVISIONING_RECONCILE_INTERVAL: positiveInt.max(86_400).default(300).describe('seconds'),
  PROVISIONING_ORPHAN_GRACE: positiveInt.max(604_800).default(3600).describe('seconds'),
  PROVISIONING_DELETE_ORPHANS: bool.default(false),
  WEBHOOK_POLL_MS: positiveInt.max(60_000).default(1000).describe('how often each replica looks for due deliveries'),
  WEBHOOK_TIMEOUT_MS: positiveInt.max(120_000).default(10_000).describe('time limit of one delivery attempt'),
  WEBHOOK_RETRY_BASE_MS: positiveInt.max(3_600_000).default(10_000).describe('first retry delay; doubles per attempt'),
  WEBHOOK_RETRY_MAX_MS: positiveInt.max(86_400_000).default(3_600_000).describe('longest retry delay'),
  WEBHOOK_RETRY_FOR_SECONDS: positiveInt.max(604_800).default(86_400).describe('give a delivery up after this'),
  WEBHOOK_DISABLE_AFTER_FAILURES: positiveInt.max(10_000).default(20),
  WEBHOOK_HEALTH_HOLD_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  KEYCLOAK_AUTH_SERVER_URL: z.url({ protocol: /^https?$/ }).optional(),
  KEYCLOAK_REALM: z.string().trim().min(1).max(255).optional(),
  KEYCLOAK_CLIENT_ID: z.string().trim().min(1).max(255).optional(),
  KEYCLOAK_CLIENT_SECRET: z.string().min(1).max(1024).optional(),
  KEYCLOAK_CONSOLE_CLIENT_ID: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .optional()
    .describe("the console's public client (authorization code flow with PKCE); default: KEYCLOAK_CLIENT_ID"),
  KEYCLOAK_CONSOLE_SCOPE: z
    .string()
    .transform((value) => value.trim().split(/\s+/).filter(Boolean).join(' '))
    .pipe(
      z
        .string()
        .max(1024)
        .refine((scope) => scope.split(' ').includes('openid'), 'must include openid'),
    )
    .default('openid profile email'),
  KEYCLOAK_TOKEN_VALIDATION: z
    .string()
    .transform((value) => value.trim().toUpperCase())
    .pipe(z.enum(KEYCLOAK_TOKEN_VALIDATIONS))
    .default('OFFLINE'),
  KEYCLOAK_ADMIN_ROLE: z.string().trim().min(1).max(255).default('admin'),
  KEYCLOAK_INTROSPECTION_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  KEYCLOAK_REQUEST_TIMEOUT_MS: positiveInt.max(60_000).default(5000),

  RATE_LIMIT_TTL_SECONDS: positiveInt.default(60),
  RATE_LIMIT_MAX: positiveInt.default(600),
  LOGIN_RATE_LIMIT_MAX: positiveInt.default(10),
  // Per account (users mode, keyed by the e-mail tried): a few quick failures, then a delay that doubles, then a lock.
  LOGIN_ACCOUNT_FREE_FAILURES: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(3)
    .describe('failed log-ins of one account answered without delay'),
  LOGIN_ACCOUNT_DELAY_SECONDS: positiveInt
    .max(60)
    .default(1)
    .describe('wait after the first failure beyond the free ones; doubles with each further failure, at most 60 s'),
  LOGIN_ACCOUNT_MAX_FAILURES: positiveInt
    .max(1_000_000)
    .default(10)
    .describe('failed log-ins of one account within the window that lock it'),
  LOGIN_ACCOUNT_WINDOW_SECONDS: positiveInt.max(86_400).default(900).describe('seconds in which failures are counted'),
  LOGIN_ACCOUNT_LOCK_SECONDS: positiveInt.max(86_400).default(900).describe('seconds an account stays locked'),
});

export type Env = z.infer<typeof envSchema>;
