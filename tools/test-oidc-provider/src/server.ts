import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Realm, RealmClient, RealmUser } from './realm';

export interface TestOidcProviderOptions {
  port?: number;
  host?: string;
  realms?: string[];
  /** Bearer token of the control API; random when not given. */
  controlToken?: string;
  /** Base of the issuers when the provider is reached through another address than host:port. */
  publicUrl?: string;
  /** Redirect URIs of every realm's agent-console-spa client (default: the console on ports 3100 and 4200). */
  redirectUris?: string[];
  /** Post-logout redirect URIs of every realm's agent-console-spa client. */
  postLogoutRedirectUris?: string[];
}

export interface RunningTestOidcProvider {
  url: string;
  /** Issuer of each realm: `{url}/realms/{realm}`. */
  issuers: Record<string, string>;
  controlToken: string;
  realm(name: string): Realm;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        const parsed: unknown = text ? JSON.parse(text) : {};
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        resolve(parsed as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

const optionalString = (value: unknown) => (typeof value === 'string' ? value : undefined);
const optionalBoolean = (value: unknown) => (typeof value === 'boolean' ? value : undefined);
const optionalStrings = (value: unknown) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;

function userInput(username: string, body: Record<string, unknown>): Partial<RealmUser> & { username: string } {
  return {
    username,
    id: optionalString(body['id']),
    password: optionalString(body['password']),
    email: optionalString(body['email']),
    emailVerified: optionalBoolean(body['emailVerified']),
    realmRoles: optionalStrings(body['realmRoles']),
    enabled: optionalBoolean(body['enabled']),
  };
}

function clientInput(clientId: string, body: Record<string, unknown>): RealmClient {
  const isPublic = body['public'] === true;
  const secret = optionalString(body['secret']);
  if (!secret && !isPublic) throw new Error('secret is required (or "public": true)');
  if (secret && isPublic) throw new Error('a public client has no secret');
  const lifespan = body['accessTokenLifespan'];
  return {
    clientId,
    secret: isPublic ? undefined : secret,
    audience: optionalStrings(body['audience']) ?? ['account'],
    accessTokenLifespan: typeof lifespan === 'number' && lifespan > 0 ? lifespan : undefined,
    redirectUris: optionalStrings(body['redirectUris']),
    postLogoutRedirectUris: optionalStrings(body['postLogoutRedirectUris']),
  };
}

/**
 * Starts the provider: one oidc-provider instance per realm under Keycloak's `/realms/{realm}` paths (with a
 * login page for the authorization code flow), and a test-only control API under `/_control` (users, clients, key rotation) guarded by a bearer token.
 */
export async function startTestOidcProvider(options: TestOidcProviderOptions = {}): Promise<RunningTestOidcProvider> {
  const controlToken = options.controlToken ?? randomBytes(24).toString('base64url');
  const realms = new Map<string, Realm>();

  const isControlCaller = (request: IncomingMessage) => {
    const expected = Buffer.from(`Bearer ${controlToken}`);
    const given = Buffer.from(request.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const control = async (request: IncomingMessage, response: ServerResponse, path: string[]): Promise<void> => {
    if (!isControlCaller(request)) return sendJson(response, 401, { error: 'control token required' });
    const [realmsSegment, realmName, collection, id, action] = path;
    const realm = realmsSegment === 'realms' ? realmNamed(realmName) : undefined;
    if (!realm) return sendJson(response, 404, { error: 'unknown realm' });
    const method = request.method ?? 'GET';
    if (collection === 'users' && id && !action && method === 'PUT') {
      const user = realm.upsertUser(userInput(decodeURIComponent(id), await readJson(request)));
      return sendJson(response, 200, { ...user, password: undefined });
    }
    if (collection === 'clients' && id && !action && method === 'PUT') {
      realm.upsertClient(clientInput(decodeURIComponent(id), await readJson(request)));
      return sendJson(response, 200, { clientId: decodeURIComponent(id) });
    }
    if (collection === 'keys' && id === 'rotate' && method === 'POST') {
      const kid = realm.rotateSigningKey();
      return sendJson(response, 200, { kid, keys: realm.signingKeyIds });
    }
    return sendJson(response, 404, { error: 'unknown control route' });
  };

  const realmNamed = (encoded: string | undefined) => {
    try {
      return encoded ? realms.get(decodeURIComponent(encoded)) : undefined;
    } catch {
      return undefined;
    }
  };

  const server: Server = createServer((request, response) => {
    const url = request.url ?? '/';
    const [pathname] = url.split('?');
    const segments = pathname.split('/').filter((segment) => segment.length > 0);
    if (segments[0] === '_control') {
      control(request, response, segments.slice(1)).catch((error: unknown) =>
        sendJson(response, 400, { error: error instanceof Error ? error.message : String(error) }),
      );
      return;
    }
    if (pathname === '/favicon.ico') {
      // Browsers ask for it after each of the login and logout pages; no icon, and no 404 in their console.
      response.writeHead(204, { 'cache-control': 'max-age=86400' });
      response.end();
      return;
    }
    const prefix = `/realms/${segments[1]}`;
    const realm = segments[0] === 'realms' && url.startsWith(prefix) ? realmNamed(segments[1]) : undefined;
    if (!realm) return sendJson(response, 404, { error: 'Realm does not exist' });
    // oidc-provider routes relative to its mount point and reads the mount path back from originalUrl.
    Object.assign(request, { originalUrl: url, url: url.slice(prefix.length) || '/' });
    realm.callback(request, response);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = (options.publicUrl ?? `http://${options.host ?? '127.0.0.1'}:${port}`).replace(/\/+$/, '');
  for (const name of options.realms ?? ['agents']) {
    realms.set(
      name,
      new Realm(name, `${url}/realms/${encodeURIComponent(name)}`, {
        redirectUris: options.redirectUris,
        postLogoutRedirectUris: options.postLogoutRedirectUris,
      }),
    );
  }

  return {
    url,
    issuers: Object.fromEntries([...realms].map(([name, realm]) => [name, realm.issuer])),
    controlToken,
    realm: (name) => {
      const realm = realms.get(name);
      if (!realm) throw new Error(`unknown realm ${name}`);
      return realm;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
