import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { parse } from 'yaml';

import { CADDYFILE, SETUP_SCRIPT } from './boot-script';
import {
  BOOTSTRAP_FILE,
  buildCloudInit,
  CADDY_IMAGE,
  CloudInitError,
  type CloudInitInput,
  DOCKER_APT_KEY_FINGERPRINT,
  EMBEDDED_SECRETS_WARNING,
  ENV_FILE,
  MAX_USER_DATA_BYTES,
  PLAIN_HTTP_BOOTSTRAP_WARNING,
  POSTGRES_IMAGE,
} from './cloud-init';
import { parseComposeEnvFile, TRICKY_VALUES } from './compose-dotenv.testing';
import { EnvFileEncodingError } from './env-file';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The cloud simulator's own reading of user data, as a cross-check that both sides follow one convention. Loaded
 * by a computed path so that the product's project graph gets no dependency on a tool.
 */
const { parseUserData } = require(
  join(__dirname, '../../../../../..', 'tools', 'cloud-simulators', 'src', 'core', 'user-data'),
) as {
  parseUserData(userData: string): {
    env: Record<string, string>;
    envFiles: string[];
    bootstrap: { url: string; token: string } | null;
    problem: string | null;
  };
};

const IMAGE = 'ghcr.io/forepath/agenstra-manager-api:1.0.0';
const BOOTSTRAP = { url: 'https://controller.example.com/api/provisioning/bootstrap/0b7f', token: 'tok_8Jd-Qx2.Zp~' };

const API_KEY = { AUTHENTICATION_METHOD: 'api-key', STATIC_API_KEY: 'sk-live-7f3a9c1e5b2d4f60' };
const KEYCLOAK = {
  AUTHENTICATION_METHOD: 'keycloak',
  KEYCLOAK_SERVER_URL: 'https://sso.example.com',
  KEYCLOAK_AUTH_SERVER_URL: 'https://sso.example.com',
  KEYCLOAK_REALM: 'agents',
  KEYCLOAK_CLIENT_ID: 'agent-manager',
  KEYCLOAK_CLIENT_SECRET: 'kc-secret-3e1d0c9b8a7f',
};
const GIT = {
  GIT_REPOSITORY_URL: 'https://git.example.com/team/repo.git',
  GIT_USERNAME: 'bot',
  GIT_TOKEN: 'ghp_tokenValue0123456789',
  GIT_PASSWORD: `pa$$ 'w"o\\rd' #1 \${HOME}`,
  GIT_PRIVATE_KEY: TRICKY_VALUES['PRIVATE_KEY'] as string,
  CURSOR_API_KEY: 'cur_0a1b2c3d4e5f',
  AGENT_DEFAULT_IMAGE: 'ghcr.io/forepath/agent:2.1.0',
};
const SECRET_NAMES = [
  'STATIC_API_KEY',
  'KEYCLOAK_CLIENT_SECRET',
  'GIT_TOKEN',
  'GIT_PASSWORD',
  'GIT_PRIVATE_KEY',
  'CURSOR_API_KEY',
];

function writeFiles(document: Json): Json[] {
  return document['write_files'] as Json[];
}

function fileAt(document: Json, path: string): Json | undefined {
  return writeFiles(document).find((entry) => entry['path'] === path);
}

function contentAt(document: Json, path: string): string {
  const entry = fileAt(document, path);
  if (!entry) throw new Error(`no ${path} in write_files`);
  return entry['content'] as string;
}

describe('buildCloudInit', () => {
  const cases = (['bootstrap', 'embedded'] as const).flatMap((delivery) =>
    (['api-key', 'keycloak'] as const).flatMap((auth) => [false, true].map((git) => ({ delivery, auth, git }))),
  );

  describe.each(cases)('$delivery, $auth, git secrets: $git', ({ delivery, auth, git }) => {
    const environment: Record<string, string> = { ...(auth === 'api-key' ? API_KEY : KEYCLOAK), ...(git ? GIT : {}) };
    const input: CloudInitInput = { agentManagerImage: IMAGE, environment };
    if (delivery === 'bootstrap') input.bootstrap = BOOTSTRAP;
    const { userData, warnings } = buildCloudInit(input);
    const document = parse(userData, { version: '1.1' }) as Json;
    const compose = parse(contentAt(document, '/opt/agent-manager/compose.yaml')) as Json;

    it('is a #cloud-config YAML document under 32 KiB', () => {
      expect(userData.startsWith('#cloud-config\n')).toBe(true);
      expect(Buffer.byteLength(userData)).toBeLessThan(MAX_USER_DATA_BYTES);
      expect(parse(userData)).toEqual(document); // YAML 1.2 readers see the same document
    });

    it("installs Docker CE from Docker's apt repository, its key pinned by fingerprint", () => {
      expect(document['apt']).toEqual({
        sources: {
          'docker.list': {
            source: 'deb [signed-by=$KEY_FILE] https://download.docker.com/linux/ubuntu $RELEASE stable',
            keyid: DOCKER_APT_KEY_FINGERPRINT,
          },
        },
      });
      expect(DOCKER_APT_KEY_FINGERPRINT).toBe('9DC858229FC7DD38854AE2D88D81803C0EBFCD88');
      expect(document['packages']).toEqual(
        expect.arrayContaining([
          'docker-ce',
          'docker-ce-cli',
          'containerd.io',
          'docker-compose-plugin',
          'curl',
          'openssl',
        ]),
      );
      expect(document['package_update']).toBe(true);
    });

    it('writes a compose project of postgres, agent-manager and caddy with pinned images', () => {
      expect(compose['name']).toBe('agent-manager');
      expect(Object.keys(compose['services'])).toEqual(['postgres', 'agent-manager', 'caddy']);
      const { postgres, caddy } = compose['services'];
      const manager = compose['services']['agent-manager'];
      for (const image of [postgres['image'], manager['image'], caddy['image']]) {
        expect(image).toMatch(/:\d+(\.\d+)+$/);
      }
      expect([postgres['image'], manager['image'], caddy['image']]).toEqual([POSTGRES_IMAGE, IMAGE, CADDY_IMAGE]);
      expect(postgres['healthcheck']['test']).toEqual([
        'CMD',
        'pg_isready',
        '-U',
        'agent_manager',
        '-d',
        'agent_manager',
      ]);
      expect(postgres['env_file']).toEqual(['db.env']);
      expect(manager).toMatchObject({
        restart: 'unless-stopped',
        depends_on: { postgres: { condition: 'service_healthy' } },
        env_file: ['agent-manager.env', 'db.env'],
        environment: {
          DB_HOST: 'postgres',
          DB_PORT: '5432',
          DB_USERNAME: 'agent_manager',
          DB_DATABASE: 'agent_manager',
          PORT: '3000',
          WEBSOCKET_PORT: '8080',
        },
        volumes: ['/var/run/docker.sock:/var/run/docker.sock'],
      });
      expect(manager['ports']).toBeUndefined(); // reachable only through Caddy
      expect(caddy).toMatchObject({
        ports: ['80:80', '443:443', '8443:8443'],
        env_file: ['caddy.env'],
        environment: { AGENT_WS_PORT: '8443' },
      });
      expect(contentAt(document, '/opt/agent-manager/Caddyfile')).toBe(CADDYFILE);
      expect(CADDYFILE).not.toMatch(/tls internal|insecure|skip_verify/);
      expect(JSON.stringify(compose)).not.toContain('$'); // nothing for compose to interpolate
    });

    it('runs the static setup script, then docker compose up', () => {
      expect(fileAt(document, '/opt/agent-manager/setup.sh')).toMatchObject({
        permissions: '0700',
        content: SETUP_SCRIPT,
      });
      expect(document['runcmd']).toEqual([
        ['systemctl', 'enable', '--now', 'docker'],
        ['/opt/agent-manager/setup.sh'],
        ['docker', 'compose', '--file', '/opt/agent-manager/compose.yaml', 'up', '--detach'],
      ]);
    });

    it('never carries a database password: the server generates it', () => {
      expect(SETUP_SCRIPT).toContain('password=$(openssl rand -hex 32)');
      expect(SETUP_SCRIPT).toContain(
        `printf 'POSTGRES_PASSWORD=%s\\nDB_PASSWORD=%s\\n' "$password" "$password" > db.env.part`,
      );
      for (const entry of writeFiles(document).filter((file) => file['path'] !== '/opt/agent-manager/setup.sh')) {
        expect(entry['content']).not.toMatch(/POSTGRES_PASSWORD|DB_PASSWORD/);
      }
      expect(userData).not.toMatch(/[0-9a-f]{32}/);
    });

    if (delivery === 'bootstrap') {
      it('carries no secret but the single-use bootstrap token', () => {
        for (const name of SECRET_NAMES.filter((key) => key in environment)) {
          const value = environment[name] as string;
          expect(userData).not.toContain(value);
          for (const line of value.split('\n').filter((part) => part.length > 8)) expect(userData).not.toContain(line);
        }
        expect(fileAt(document, ENV_FILE)).toBeUndefined();
        expect(fileAt(document, BOOTSTRAP_FILE)).toMatchObject({ permissions: '0600' });
        expect(JSON.parse(contentAt(document, BOOTSTRAP_FILE))).toEqual(BOOTSTRAP);
        expect(warnings).toEqual([]);
      });
    } else {
      it('embeds the env file (0600), every value reading back exactly, and warns', () => {
        expect(fileAt(document, ENV_FILE)).toMatchObject({ permissions: '0600' });
        const envFile = contentAt(document, ENV_FILE);
        expect(parseComposeEnvFile(envFile, 'prev-char')).toEqual(environment);
        expect(parseComposeEnvFile(envFile, 'state-machine')).toEqual(environment);
        expect(fileAt(document, BOOTSTRAP_FILE)).toBeUndefined();
        expect(warnings).toEqual([EMBEDDED_SECRETS_WARNING]);
      });
    }

    it("agrees with the cloud simulator's reading of user data", () => {
      const parsed = parseUserData(userData);
      expect(parsed.problem).toBeNull();
      if (delivery === 'bootstrap') {
        expect(parsed.bootstrap).toEqual(BOOTSTRAP);
        expect(parsed.env).toEqual({});
      } else {
        expect(parsed.bootstrap).toBeNull();
        expect(parsed.envFiles).toEqual([ENV_FILE]);
        // The simulator's dotenv reader is line-based: it agrees on the single-line values it uses.
        for (const key of ['AUTHENTICATION_METHOD', 'STATIC_API_KEY', 'GIT_REPOSITORY_URL', 'KEYCLOAK_CLIENT_SECRET']) {
          expect(parsed.env[key]).toBe(environment[key]);
        }
      }
    });
  });

  it('keeps the setup script free of input: the same text whatever the input, none of it inside', () => {
    const input = {
      agentManagerImage: 'registry.example.com:5000/team/manager:9.9.9',
      environment: { ...TRICKY_VALUES, ...API_KEY },
      bootstrap: { url: 'https://other.example.com/x?y=1', token: 'AAAA' },
    };
    const document = parse(buildCloudInit(input).userData, { version: '1.1' }) as Json;
    expect(contentAt(document, '/opt/agent-manager/setup.sh')).toBe(SETUP_SCRIPT);
    for (const value of [input.agentManagerImage, input.bootstrap.url, input.bootstrap.token, API_KEY.STATIC_API_KEY]) {
      expect(SETUP_SCRIPT).not.toContain(value);
    }
    const bash = spawnSync('bash', ['-n'], { input: SETUP_SCRIPT, encoding: 'utf8' });
    expect(bash.stderr).toBe('');
    expect(bash.status).toBe(0);
  });

  it('embeds values with quotes, newlines, $ and backslashes so that compose reads them back exactly', () => {
    const environment = { ...TRICKY_VALUES };
    const document = parse(buildCloudInit({ agentManagerImage: IMAGE, environment }).userData, {
      version: '1.1',
    }) as Json;
    expect(parseComposeEnvFile(contentAt(document, ENV_FILE), 'prev-char')).toEqual(environment);
    expect(parseComposeEnvFile(contentAt(document, ENV_FILE), 'state-machine')).toEqual(environment);
  });

  it('puts the agent WebSocket on the given port', () => {
    const document = parse(
      buildCloudInit({ agentManagerImage: IMAGE, environment: API_KEY, agentWsPort: 9443 }).userData,
      { version: '1.1' },
    ) as Json;
    const caddy = (parse(contentAt(document, '/opt/agent-manager/compose.yaml')) as Json)['services']['caddy'];
    expect(caddy['ports']).toEqual(['80:80', '443:443', '9443:9443']);
    expect(caddy['environment']).toEqual({ AGENT_WS_PORT: '9443' });
  });

  it('warns about a plain-HTTP bootstrap URL and an unpinned image', () => {
    const { warnings } = buildCloudInit({
      agentManagerImage: 'ghcr.io/forepath/agenstra-manager-api',
      environment: {},
      bootstrap: { url: 'http://10.0.0.5:3000/api/provisioning/bootstrap/1', token: 'abc' },
    });
    expect(warnings).toEqual([
      'The agent-manager image ghcr.io/forepath/agenstra-manager-api is not pinned to a version tag or digest',
      PLAIN_HTTP_BOOTSTRAP_WARNING,
    ]);
    expect(
      buildCloudInit({ agentManagerImage: 'm:latest', environment: {}, bootstrap: BOOTSTRAP }).warnings,
    ).toHaveLength(1);
    const digest = `localhost:5000/m@sha256:${'a'.repeat(64)}`;
    expect(buildCloudInit({ agentManagerImage: digest, environment: {}, bootstrap: BOOTSTRAP }).warnings).toEqual([]);
  });

  it('refuses user data over 32 KiB with a clear error (a huge private key)', () => {
    const environment = { ...API_KEY, GIT_PRIVATE_KEY: `${'k'.repeat(64)}\n`.repeat(500) };
    expect(() => buildCloudInit({ agentManagerImage: IMAGE, environment })).toThrow(
      /^user data is \d+ bytes, over the 32768-byte limit: shorten the embedded values \(a private key\?\) or set PUBLIC_URL/,
    );
    // The same secrets fit when they are fetched instead.
    expect(() => buildCloudInit({ agentManagerImage: IMAGE, environment, bootstrap: BOOTSTRAP })).not.toThrow();
  });

  it('refuses bad input before any server exists', () => {
    const ok: CloudInitInput = { agentManagerImage: IMAGE, environment: API_KEY, bootstrap: BOOTSTRAP };
    const bad: [Partial<CloudInitInput>, RegExp][] = [
      [{ agentManagerImage: 'evil:$(reboot)' }, /is not an image reference/],
      [{ agentManagerImage: 'img:1\nruncmd: []' }, /is not an image reference/],
      [{ environment: { ...API_KEY, DB_PASSWORD: 'x' } }, /environment must not set DB_PASSWORD/],
      [{ environment: { PORT: '1', WEBSOCKET_PORT: '2' } }, /must not set PORT, WEBSOCKET_PORT/],
      [{ bootstrap: { url: 'ftp://controller/x', token: 'abc' } }, /must be http\(s\)/],
      [{ bootstrap: { url: 'https://c.example.com/x\n', token: 'abc' } }, /is not a URL/],
      [{ bootstrap: { url: 'https://user:pw@c.example.com/x', token: 'abc' } }, /must not carry credentials/],
      [{ bootstrap: { url: BOOTSTRAP.url, token: 'abc\r\nX-Evil: 1' } }, /token68/],
      [{ bootstrap: { url: BOOTSTRAP.url, token: '' } }, /token68/],
      [{ agentWsPort: 443 }, /must be 1–65535 and not 80 or 443/],
      [{ agentWsPort: 70000 }, /must be 1–65535/],
    ];
    for (const [change, message] of bad) {
      expect(() => buildCloudInit({ ...ok, ...change })).toThrow(CloudInitError);
      expect(() => buildCloudInit({ ...ok, ...change })).toThrow(message);
    }
    // Values compose cannot represent are refused in both cases, so a bootstrap never serves a broken file.
    expect(() => buildCloudInit({ ...ok, environment: { GIT_PASSWORD: 'ends with \\' } })).toThrow(
      EnvFileEncodingError,
    );
  });
});
