import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

import type { AuthMode } from './auth';
import { type FaultPatch, GARBAGE_MODES, type GarbageMode } from './faults';
import type { SimulatorOptions } from './options';
import type { RateLimitScope } from './rate-limit';

export const USAGE = `Usage: node dist/tools/agent-manager-simulator/main.js [options]

Simulates a remote agent-manager (HTTP API under /api) plus a control API under /_simulator.

Server
  --port <n>                  listen port, 0 = any free one (env PORT; default 3000)
  --ws-port <n>               Socket.IO port, 0 = any free one (env WEBSOCKET_PORT; default 8080)
  --stats-interval-ms <n>     containerStats interval while logged in (default 5000)
  --host <addr>               bind address (default 127.0.0.1)
  --api-key <key>             static API key (env STATIC_API_KEY; generated when absent)
  --auth <mode>               authentication mode: api-key (default) or keycloak
  --keycloak-issuer <url>     with --auth keycloak: the realm issuer, e.g. http://127.0.0.1:8080/realms/agents
  --git-repository-url <url>  GIT_REPOSITORY_URL of the manager (env GIT_REPOSITORY_URL)
  --production                production mode: origin allowlist on, rate limit 100 per window
  --cors-origin <list>        CORS_ORIGIN, comma separated, repeatable (env CORS_ORIGIN); turns the
                              origin allowlist on
  --rate-limit <n>            requests per window per route and client IP (default 10000; 100 in production)
  --rate-limit-ttl <s>        window length in seconds (default 60)
  --rate-limit-scope <s>      route (default, like the real manager) or ip (one budget for all routes)
  --control-token <t>         token of the control API (generated when absent)
  --log-requests              log every request to stderr

Faults (under /api, health included; also settable at runtime: POST /_simulator/faults)
  --latency-ms <n>            delay every request by n ms
  --jitter-ms <n>             plus a random 0..n ms
  --fail-status <5xx>         answer with this status
  --fail-rate <0..1>          fraction of requests that fail (default 1 when a failure is set; alone: 500s)
  --garbage <mode>            answer 200 with an unusable body: invalid-json, html, wrong-shape
  --drop-connections          destroy the socket without answering
  --fault-path <regex>        only requests whose path matches

  -h, --help                  this text

On start one JSON line goes to stdout:
  {"event":"listening","url":...,"apiUrl":...,"controlUrl":...,"wsUrl":...,"apiKey":...,"controlToken":...,"pid":...}
`;

/** Every flag the command line takes (each one is in USAGE: cli.spec.ts checks). */
export const OPTIONS = {
  port: { type: 'string' },
  'ws-port': { type: 'string' },
  'stats-interval-ms': { type: 'string' },
  host: { type: 'string' },
  'api-key': { type: 'string' },
  auth: { type: 'string' },
  'keycloak-issuer': { type: 'string' },
  'git-repository-url': { type: 'string' },
  production: { type: 'boolean' },
  'cors-origin': { type: 'string', multiple: true },
  'rate-limit': { type: 'string' },
  'rate-limit-ttl': { type: 'string' },
  'rate-limit-scope': { type: 'string' },
  'control-token': { type: 'string' },
  'log-requests': { type: 'boolean' },
  'latency-ms': { type: 'string' },
  'jitter-ms': { type: 'string' },
  'fail-status': { type: 'string' },
  'fail-rate': { type: 'string' },
  garbage: { type: 'string' },
  'drop-connections': { type: 'boolean' },
  'fault-path': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsOptionsConfig;

export interface CliResult {
  help: boolean;
  options: SimulatorOptions;
}

function integer(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new Error(`--${flag} must be an integer between ${min} and ${max}, got '${value}'`);
  }
  return Number(value);
}

/** Parses the command line (flags win over the environment variables of the real manager). */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: OPTIONS,
  });

  const options: SimulatorOptions = {};
  const port = values.port ?? env['PORT'];
  if (port !== undefined && port !== '') options.port = integer('port', port, 0, 65535);
  const wsPort = values['ws-port'] ?? env['WEBSOCKET_PORT'];
  if (wsPort !== undefined && wsPort !== '') options.wsPort = integer('ws-port', wsPort, 0, 65535);
  if (values['stats-interval-ms'] !== undefined) {
    options.statsIntervalMs = integer('stats-interval-ms', values['stats-interval-ms'], 10, 3600000);
  }
  if (values.host !== undefined) options.host = values.host;
  const apiKey = values['api-key'] ?? env['STATIC_API_KEY'];
  if (apiKey) options.apiKey = apiKey;
  if (values.auth !== undefined) {
    if (values.auth !== 'api-key' && values.auth !== 'keycloak') {
      throw new Error(`--auth must be api-key or keycloak, got '${values.auth}'`);
    }
    options.auth = values.auth as AuthMode;
  }
  if (values['keycloak-issuer'] !== undefined) {
    options.keycloakIssuer = values['keycloak-issuer'];
  }
  const gitRepositoryUrl = values['git-repository-url'] ?? env['GIT_REPOSITORY_URL'];
  if (gitRepositoryUrl) options.gitRepositoryUrl = gitRepositoryUrl;
  if (values.production) options.production = true;
  const corsOrigins = values['cors-origin'] ?? (env['CORS_ORIGIN'] ? [env['CORS_ORIGIN']] : undefined);
  if (corsOrigins) options.corsOrigins = corsOrigins.flatMap((list) => list.split(','));
  if (values['rate-limit'] !== undefined) {
    options.rateLimit = integer('rate-limit', values['rate-limit'], 1, Number.MAX_SAFE_INTEGER);
  }
  if (values['rate-limit-ttl'] !== undefined) {
    options.rateLimitTtlSeconds = integer('rate-limit-ttl', values['rate-limit-ttl'], 1, 86400);
  }
  if (values['rate-limit-scope'] !== undefined) {
    if (values['rate-limit-scope'] !== 'route' && values['rate-limit-scope'] !== 'ip') {
      throw new Error(`--rate-limit-scope must be route or ip, got '${values['rate-limit-scope']}'`);
    }
    options.rateLimitScope = values['rate-limit-scope'] as RateLimitScope;
  }
  if (values['control-token']) options.controlToken = values['control-token'];
  if (values['log-requests']) options.logRequests = true;

  const faults: FaultPatch = {};
  if (values['latency-ms'] !== undefined) faults.latencyMs = integer('latency-ms', values['latency-ms'], 0, 600000);
  if (values['jitter-ms'] !== undefined) faults.jitterMs = integer('jitter-ms', values['jitter-ms'], 0, 600000);
  if (values['fail-status'] !== undefined) faults.status5xx = integer('fail-status', values['fail-status'], 500, 599);
  if (values['fail-rate'] !== undefined) {
    const rate = Number(values['fail-rate']);
    if (values['fail-rate'].trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new Error(`--fail-rate must be a number between 0 and 1, got '${values['fail-rate']}'`);
    }
    faults.failRate = rate;
  }
  if (values.garbage !== undefined) {
    if (!(GARBAGE_MODES as readonly string[]).includes(values.garbage)) {
      throw new Error(`--garbage must be one of ${GARBAGE_MODES.join(', ')}, got '${values.garbage}'`);
    }
    faults.garbage = values.garbage as GarbageMode;
  }
  if (values['drop-connections']) faults.dropConnections = true;
  if (values['fault-path'] !== undefined) faults.pathPattern = values['fault-path'];
  if (Object.keys(faults).length > 0) options.faults = faults;

  return { help: values.help === true, options };
}
