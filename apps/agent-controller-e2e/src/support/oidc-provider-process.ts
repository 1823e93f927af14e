import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './controller-process';
import { ListeningEvent, spawnTool, stopTool } from './tool-process';

const MAIN = join(WORKSPACE_ROOT, 'dist/tools/test-oidc-provider/main.js');

/** Resource indicators the test provider maps to its token formats (see tools/test-oidc-provider). */
const OPAQUE_RESOURCE = 'urn:test-oidc-provider:opaque';

export interface IdpUser {
  /** The token's `sub`; the provider makes a UUID when absent. */
  id?: string;
  username: string;
  password: string;
  email?: string;
  emailVerified?: boolean;
  realmRoles?: string[];
  enabled?: boolean;
}

export interface IdpClient {
  clientId: string;
  /** Absent with `public: true`: a public client (no secret, PKCE). */
  secret?: string;
  public?: boolean;
  audience?: string[];
  accessTokenLifespan?: number;
  /** The authorization code flow's allowed redirect URIs (their origins may call the token endpoint). */
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
}

export interface TokenRequest {
  realm?: string;
  client?: { clientId: string; secret: string };
  /** An opaque token (introspectable and revocable by this provider) instead of a JWT. */
  opaque?: boolean;
}

/** The controller's own client, present in every realm of the provider. */
export const CONTROLLER_CLIENT = { clientId: 'agent-controller', secret: 'agent-controller-secret' };
/** A client whose tokens name the controller in `aud` (an audience mapper in Keycloak terms). */
export const CONSOLE_CLIENT = { clientId: 'agent-console', secret: 'agent-console-secret' };
/** The console's public client (authorization code flow with PKCE), present in every realm of the provider. */
export const CONSOLE_SPA_CLIENT_ID = 'agent-console-spa';

export interface RunningOidcProvider {
  /** Keycloak base URL: what KEYCLOAK_AUTH_SERVER_URL is set to. */
  url: string;
  issuer(realm?: string): string;
  process: ChildProcess;
  /** Creates or updates a user (by username) and returns its subject. */
  putUser(user: IdpUser, realm?: string): Promise<{ id: string }>;
  putClient(client: IdpClient, realm?: string): Promise<void>;
  /** Adds a new signing key and makes it current; returns its kid. */
  rotateSigningKey(realm?: string): Promise<string>;
  /** Keycloak's direct access grant (`grant_type=password`). */
  passwordToken(user: Pick<IdpUser, 'username' | 'password'>, request?: TokenRequest): Promise<string>;
  clientCredentialsToken(request?: TokenRequest): Promise<string>;
  /** RFC 7009 revocation, as the client that obtained the token. */
  revoke(token: string, request?: TokenRequest): Promise<void>;
  stop(): Promise<void>;
}

/** Starts tools/test-oidc-provider (built: `npx nx build test-oidc-provider`) with the given realms. */
export async function startOidcProvider(options: { realms?: string[] } = {}): Promise<RunningOidcProvider> {
  const controlToken = randomBytes(16).toString('base64url');
  const realms = options.realms ?? ['agents'];
  const args = ['--port', '0', '--control-token', controlToken, ...realms.flatMap((realm) => ['--realm', realm])];
  const { child, listening } = await spawnTool<ListeningEvent & { url: string; issuers: Record<string, string> }>(
    MAIN,
    args,
    'test OpenID provider',
  );

  const issuer = (realm = realms[0]) => listening.issuers[realm];

  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${listening.url}/_control/${path}`, {
      method,
      headers: { authorization: `Bearer ${controlToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`control ${method} ${path} failed: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  const form = async (realm: string | undefined, endpoint: string, fields: Record<string, string>) => {
    const response = await fetch(`${issuer(realm)}/protocol/openid-connect/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${endpoint} failed: ${response.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const clientFields = (request: TokenRequest) => {
    const client = request.client ?? CONTROLLER_CLIENT;
    return {
      client_id: client.clientId,
      client_secret: client.secret,
      ...(request.opaque ? { resource: OPAQUE_RESOURCE } : {}),
    };
  };

  return {
    url: listening.url,
    issuer,
    process: child,
    putUser: async (user, realm = realms[0]) => {
      const { username, ...rest } = user;
      const saved = await control('PUT', `realms/${realm}/users/${encodeURIComponent(username)}`, rest);
      return { id: String(saved['id']) };
    },
    putClient: async ({ clientId, ...rest }, realm = realms[0]) => {
      await control('PUT', `realms/${realm}/clients/${encodeURIComponent(clientId)}`, rest);
    },
    rotateSigningKey: async (realm = realms[0]) =>
      String((await control('POST', `realms/${realm}/keys/rotate`))['kid']),
    passwordToken: async (user, request = {}) => {
      const answer = await form(request.realm, 'token', {
        grant_type: 'password',
        username: user.username,
        password: user.password,
        ...clientFields(request),
      });
      return String(answer['access_token']);
    },
    clientCredentialsToken: async (request = {}) => {
      const answer = await form(request.realm, 'token', { grant_type: 'client_credentials', ...clientFields(request) });
      return String(answer['access_token']);
    },
    revoke: async (token, request = {}) => {
      const { client_id, client_secret } = clientFields(request);
      await form(request.realm, 'revoke', { token, client_id, client_secret });
    },
    stop: () => stopTool(child),
  };
}
