import { Document, isSeq } from 'yaml';

import { CADDYFILE, SETUP_SCRIPT } from './boot-script';
import { encodeEnvFile } from './env-file';

/**
 * The `#cloud-config` user data of a provisioned agent-manager server (Ubuntu 24.04, shared/contracts
 * cloud-providers.md §5), built as objects and serialized with `yaml` (YAML 1.1 quoting, as cloud-init's PyYAML
 * reads it). On the server, in {@link PROJECT_DIR}:
 * - Docker CE and the compose plugin from Docker's apt repository, its signing key pinned by fingerprint;
 * - `compose.yaml`: `postgres` (its password generated on the server), `agent-manager` (the given image, with the
 *   Docker socket, since it starts the agents' containers) and `caddy` (TLS for `<a-b-c-d>.sslip.io`: the HTTP API
 *   on 443 → agent-manager:3000, the agent WebSocket on `agentWsPort` → agent-manager:8080, port 80 for ACME);
 * - `setup.sh` and `Caddyfile` (static, see boot-script.ts); runcmd runs `setup.sh`, then `docker compose up`.
 *
 * The agent-manager's variables reach `agent-manager.env` in one of two ways:
 * - `bootstrap` given (the controller has a PUBLIC_URL): user data holds only `bootstrap.json` with the URL and
 *   the single-use, short-lived token; the server GETs the env file from there with `Authorization: Bearer`. The
 *   controller must answer with {@link encodeEnvFile}'s text (`text/plain`). No other secret is in user data.
 * - no `bootstrap`: the env file itself is in user data (0600), and {@link EMBEDDED_SECRETS_WARNING} is returned.
 *
 * Both are the convention tools/cloud-simulators reads (its README "User data": `.env` files in `write_files`,
 * or `/opt/agent-manager/bootstrap.json`).
 */
export interface CloudInitInput {
  /** The agent-manager image (PROVISIONING_AGENT_MANAGER_IMAGE), e.g. `ghcr.io/forepath/agenstra-manager-api:1.0.0`. */
  agentManagerImage: string;
  /**
   * The agent-manager's own variables, only the set ones: AUTHENTICATION_METHOD, STATIC_API_KEY or KEYCLOAK_*,
   * GIT_*, CURSOR_API_KEY, AGENT_DEFAULT_IMAGE, … Checked in both cases (so an unencodable value fails before a
   * server exists), but written into user data only without `bootstrap`. The variables in
   * {@link RESERVED_VARIABLES} are set by the compose file and refused here.
   */
  environment: Readonly<Record<string, string>>;
  /** Where the server fetches its env file, and the single-use token for it. */
  bootstrap?: { url: string; token: string };
  /** Public TLS port of the agent WebSocket (PROVISIONING_AGENT_WS_PORT); default {@link DEFAULT_AGENT_WS_PORT}. */
  agentWsPort?: number;
}

export interface CloudInitResult {
  /** The `#cloud-config` document, under {@link MAX_USER_DATA_BYTES}. */
  userData: string;
  /** For the job's `warnings`. */
  warnings: string[];
}

/** Bad input or an oversized result; the message names the problem, never a secret value. */
export class CloudInitError extends Error {
  override readonly name = 'CloudInitError';
}

/** Hetzner's limit (DigitalOcean allows 64 KiB); one payload fits both. */
export const MAX_USER_DATA_BYTES = 32 * 1024;
export const PROJECT_DIR = '/opt/agent-manager';
export const BOOTSTRAP_FILE = `${PROJECT_DIR}/bootstrap.json`;
export const ENV_FILE = `${PROJECT_DIR}/agent-manager.env`;
export const DEFAULT_AGENT_WS_PORT = 8443;
export const POSTGRES_IMAGE = 'postgres:16.10';
export const CADDY_IMAGE = 'caddy:2.10.2';
/** Docker's apt signing key (https://download.docker.com/linux/ubuntu/gpg). */
export const DOCKER_APT_KEY_FINGERPRINT = '9DC858229FC7DD38854AE2D88D81803C0EBFCD88';

export const EMBEDDED_SECRETS_WARNING =
  "Secrets are embedded in the server's user data because PUBLIC_URL is not set; the cloud provider stores user data";
export const PLAIN_HTTP_BOOTSTRAP_WARNING =
  'PUBLIC_URL is not HTTPS: the server fetches its secrets from the controller unencrypted';

const DATABASE = 'agent_manager';
/** Set by the compose file (they point the agent-manager at its PostgreSQL and ports); refused in `environment`. */
export const RESERVED_VARIABLES: readonly string[] = [
  'DB_HOST',
  'DB_PORT',
  'DB_USERNAME',
  'DB_PASSWORD',
  'DB_DATABASE',
  'PORT',
  'WEBSOCKET_PORT',
];

// registry[:port]/path[:tag][@sha256:digest], as `docker pull` takes it; no `$` (compose would interpolate it).
const IMAGE_PATTERN =
  /^(?:[A-Za-z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
// The token goes into an HTTP header line: token68 characters only (RFC 7235).
const TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]+=*$/;

export function buildCloudInit(input: CloudInitInput): CloudInitResult {
  const warnings: string[] = [];
  const image = checkImage(input.agentManagerImage, warnings);
  const agentWsPort = checkPort(input.agentWsPort ?? DEFAULT_AGENT_WS_PORT);
  const reserved = Object.keys(input.environment).filter((key) => RESERVED_VARIABLES.includes(key));
  if (reserved.length > 0) throw new CloudInitError(`environment must not set ${reserved.join(', ')}`);
  const envFile = encodeEnvFile(input.environment);

  const secretFile = input.bootstrap
    ? file(BOOTSTRAP_FILE, JSON.stringify(checkBootstrap(input.bootstrap, warnings)), '0600')
    : file(ENV_FILE, envFile, '0600');
  if (!input.bootstrap) warnings.push(EMBEDDED_SECRETS_WARNING);

  const document = new Document(
    {
      package_update: true,
      apt: {
        sources: {
          'docker.list': {
            source: 'deb [signed-by=$KEY_FILE] https://download.docker.com/linux/ubuntu $RELEASE stable',
            keyid: DOCKER_APT_KEY_FINGERPRINT,
          },
        },
      },
      packages: ['docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-compose-plugin', 'curl', 'openssl'],
      write_files: [
        file(`${PROJECT_DIR}/compose.yaml`, toYaml(composeProject(image, agentWsPort)), '0644'),
        file(`${PROJECT_DIR}/Caddyfile`, CADDYFILE, '0644'),
        file(`${PROJECT_DIR}/setup.sh`, SETUP_SCRIPT, '0700'),
        secretFile,
      ],
      runcmd: [
        ['systemctl', 'enable', '--now', 'docker'],
        [`${PROJECT_DIR}/setup.sh`],
        ['docker', 'compose', '--file', `${PROJECT_DIR}/compose.yaml`, 'up', '--detach'],
      ],
    },
    { version: '1.1' },
  );
  document.commentBefore = 'cloud-config';
  const runcmd = document.get('runcmd');
  if (isSeq(runcmd)) for (const command of runcmd.items) if (isSeq(command)) command.flow = true;
  const userData = document.toString({ lineWidth: 0 });

  const size = Buffer.byteLength(userData, 'utf8');
  if (size > MAX_USER_DATA_BYTES) {
    throw new CloudInitError(
      `user data is ${size} bytes, over the ${MAX_USER_DATA_BYTES}-byte limit: shorten the embedded values (a private key?) or set PUBLIC_URL so they are fetched instead`,
    );
  }
  return { userData, warnings };
}

function composeProject(image: string, agentWsPort: number): object {
  return {
    name: 'agent-manager',
    services: {
      postgres: {
        image: POSTGRES_IMAGE,
        restart: 'unless-stopped',
        env_file: ['db.env'],
        environment: { POSTGRES_USER: DATABASE, POSTGRES_DB: DATABASE },
        volumes: ['postgres-data:/var/lib/postgresql/data'],
        healthcheck: {
          test: ['CMD', 'pg_isready', '-U', DATABASE, '-d', DATABASE],
          interval: '5s',
          timeout: '5s',
          retries: 30,
        },
      },
      'agent-manager': {
        image,
        restart: 'unless-stopped',
        depends_on: { postgres: { condition: 'service_healthy' } },
        // Later files win: the generated DB_PASSWORD over anything fetched.
        env_file: ['agent-manager.env', 'db.env'],
        environment: {
          DB_HOST: 'postgres',
          DB_PORT: '5432',
          DB_USERNAME: DATABASE,
          DB_DATABASE: DATABASE,
          PORT: '3000',
          WEBSOCKET_PORT: '8080',
        },
        volumes: ['/var/run/docker.sock:/var/run/docker.sock'],
      },
      caddy: {
        image: CADDY_IMAGE,
        restart: 'unless-stopped',
        depends_on: ['agent-manager'],
        env_file: ['caddy.env'],
        environment: { AGENT_WS_PORT: String(agentWsPort) },
        ports: ['80:80', '443:443', `${agentWsPort}:${agentWsPort}`],
        volumes: ['./Caddyfile:/etc/caddy/Caddyfile:ro', 'caddy-data:/data', 'caddy-config:/config'],
      },
    },
    volumes: { 'postgres-data': {}, 'caddy-data': {}, 'caddy-config': {} },
  };
}

function file(path: string, content: string, permissions: string): object {
  return { path, permissions, owner: 'root:root', content };
}

function toYaml(value: object): string {
  return new Document(value, { version: '1.1' }).toString({ lineWidth: 0 });
}

function checkImage(image: string, warnings: string[]): string {
  if (!IMAGE_PATTERN.test(image)) throw new CloudInitError(`agent-manager image "${image}" is not an image reference`);
  const name = image.split('@')[0] as string;
  const tag = name.slice(name.lastIndexOf('/') + 1).split(':')[1];
  if (!image.includes('@sha256:') && (tag === undefined || tag === 'latest')) {
    warnings.push(`The agent-manager image ${image} is not pinned to a version tag or digest`);
  }
  return image;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535 || port === 80 || port === 443) {
    throw new CloudInitError(`agent WebSocket port ${port} must be 1–65535 and not 80 or 443`);
  }
  return port;
}

function checkBootstrap(bootstrap: { url: string; token: string }, warnings: string[]): { url: string; token: string } {
  let url: URL;
  try {
    // URL() would drop tabs and newlines silently; the server reads the string as it is.
    if (/\s/.test(bootstrap.url)) throw new TypeError();
    url = new URL(bootstrap.url);
  } catch {
    throw new CloudInitError('bootstrap url is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CloudInitError('bootstrap url must be http(s)');
  if (url.username || url.password) throw new CloudInitError('bootstrap url must not carry credentials');
  if (url.protocol === 'http:') warnings.push(PLAIN_HTTP_BOOTSTRAP_WARNING);
  if (!TOKEN_PATTERN.test(bootstrap.token) || bootstrap.token.length > 4096) {
    throw new CloudInitError('bootstrap token must be 1–4096 token68 characters');
  }
  return { url: bootstrap.url, token: bootstrap.token };
}
