import { generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Client, IssuedToken, KoaContextWithOIDC, ResourceServerInfo } from 'oidc-provider';
import { errors, Provider } from 'oidc-provider';
import { handleLoginAction, LOGGED_OUT_PAGE, LOGIN_ACTIONS_PATH, logoutPage } from './login-actions';
import { RealmStore } from './realm-store';

/** Keycloak's layout under `/realms/{realm}`. */
export const KEYCLOAK_ROUTES = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  jwks: '/protocol/openid-connect/certs',
  introspection: '/protocol/openid-connect/token/introspect',
  revocation: '/protocol/openid-connect/revoke',
  userinfo: '/protocol/openid-connect/userinfo',
  end_session: '/protocol/openid-connect/logout',
};

/**
 * Resource indicators (RFC 8707) that choose the access token format. Keycloak issues JWTs; oidc-provider
 * can neither introspect nor revoke its JWTs, so tokens meant for introspection tests are asked for as opaque.
 */
export const JWT_RESOURCE = 'urn:test-oidc-provider:jwt';
export const OPAQUE_RESOURCE = 'urn:test-oidc-provider:opaque';

const SCOPE = 'openid profile email';

export interface RealmUser {
  /** The token's `sub`. */
  id: string;
  username: string;
  password: string;
  email?: string;
  emailVerified: boolean;
  /** Become `realm_access.roles` in the user's tokens. */
  realmRoles: string[];
  enabled: boolean;
}

export interface RealmClient {
  clientId: string;
  /** Absent: a public client (token_endpoint_auth_method none, PKCE), like Keycloak's "Client authentication" off. */
  secret?: string;
  /** `aud` of its tokens (Keycloak: `account`, plus clients added by audience mappers). */
  audience: string[];
  /** Seconds; Keycloak's per-client "Access Token Lifespan". Default: the realm's (300). */
  accessTokenLifespan?: number;
  /** Allowed redirect URIs of the authorization code flow; their origins are the client's CORS origins. */
  redirectUris?: string[];
  /** Allowed `post_logout_redirect_uri` values at the end-session endpoint. */
  postLogoutRedirectUris?: string[];
}

/** The console's public client: code flow with PKCE, refresh tokens, no secret, no audience mapper. */
export const CONSOLE_SPA_CLIENT_ID = 'agent-console-spa';

/** Where a console runs by default: the controller's port and the Angular dev server. */
export const DEFAULT_CONSOLE_URLS = ['http://localhost:3100', 'http://localhost:4200'];

export interface RealmOptions {
  /** Redirect URIs of agent-console-spa; default `{console}/auth/callback` for each of DEFAULT_CONSOLE_URLS. */
  redirectUris?: string[];
  /** Post-logout redirect URIs of agent-console-spa; default `{console}/login` for each of DEFAULT_CONSOLE_URLS. */
  postLogoutRedirectUris?: string[];
}

interface SigningKey extends Record<string, unknown> {
  kid: string;
}

export const DEFAULT_CLIENTS: RealmClient[] = [
  { clientId: 'agent-controller', secret: 'agent-controller-secret', audience: ['account'] },
  { clientId: 'agent-console', secret: 'agent-console-secret', audience: ['agent-controller', 'account'] },
];

const REALM_ACCESS_TOKEN_LIFESPAN = 300;

function newSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: randomBytes(12).toString('base64url'), alg: 'RS256', use: 'sig' };
}

/** Keycloak's "Web origins: +": the origins of the client's redirect URIs may call its endpoints from a browser. */
function webOrigins(client: RealmClient | undefined): string[] {
  return (client?.redirectUris ?? []).flatMap((uri) => {
    try {
      return [new URL(uri).origin];
    } catch {
      return [];
    }
  });
}

/** oidc-provider's metadata of one client. */
function clientMetadata(client: RealmClient): Record<string, unknown> {
  const redirectUris = client.redirectUris ?? [];
  const codeFlow = redirectUris.length > 0;
  return {
    client_id: client.clientId,
    ...(client.secret === undefined
      ? { token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }
      : {
          client_secret: client.secret,
          grant_types: ['password', 'client_credentials', ...(codeFlow ? ['authorization_code', 'refresh_token'] : [])],
        }),
    response_types: codeFlow ? ['code'] : [],
    redirect_uris: redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    scope: SCOPE,
  };
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * One realm: its users, clients and signing keys, served by a real oidc-provider instance. Changing clients
 * or keys builds a new instance over the same store, so issued tokens stay valid, introspectable and revocable.
 */
export class Realm {
  private readonly store = new RealmStore();
  private readonly users = new Map<string, RealmUser>();
  private readonly clients = new Map<string, RealmClient>();
  /** Newest first: oidc-provider signs with the first matching key and publishes all of them. */
  private readonly keys: SigningKey[] = [newSigningKey()];
  private current: Provider;
  private handler: ReturnType<Provider['callback']>;

  constructor(
    readonly name: string,
    readonly issuer: string,
    options: RealmOptions = {},
  ) {
    for (const client of DEFAULT_CLIENTS) this.clients.set(client.clientId, client);
    this.clients.set(CONSOLE_SPA_CLIENT_ID, {
      clientId: CONSOLE_SPA_CLIENT_ID,
      audience: ['account'],
      redirectUris: options.redirectUris ?? DEFAULT_CONSOLE_URLS.map((url) => `${url}/auth/callback`),
      postLogoutRedirectUris: options.postLogoutRedirectUris ?? DEFAULT_CONSOLE_URLS.map((url) => `${url}/login`),
    });
    this.current = this.build();
    this.handler = this.current.callback();
  }

  get provider(): Provider {
    return this.current;
  }

  /**
   * Node request handler; the caller has stripped `/realms/{name}` from `request.url`. The login pages are this
   * tool's own; everything else is oidc-provider.
   */
  get callback(): ReturnType<Provider['callback']> {
    return (request, response) => {
      if (!(request.url ?? '').startsWith(LOGIN_ACTIONS_PATH)) {
        this.handler(request, response);
        return;
      }
      handleLoginAction(this.current, this.name, this.checkLogin, request, response).catch((error: unknown) => {
        if (response.headersSent) {
          response.destroy();
          return;
        }
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error instanceof Error ? error.message : String(error));
      });
    };
  }

  /** The login form's check: username or e-mail (as Keycloak allows), password, enabled. */
  private readonly checkLogin = (username: string, password: string): string | undefined => {
    const user =
      this.users.get(username) ??
      [...this.users.values()].find((candidate) => candidate.email?.toLowerCase() === username.toLowerCase());
    return user && user.enabled && sameSecret(user.password, password) ? user.id : undefined;
  };

  get signingKeyIds(): string[] {
    return this.keys.map((key) => key.kid);
  }

  upsertUser(input: Partial<RealmUser> & { username: string }): RealmUser {
    const existing = this.users.get(input.username);
    const user: RealmUser = {
      id: input.id ?? existing?.id ?? randomUUID(),
      username: input.username,
      password: input.password ?? existing?.password ?? randomBytes(12).toString('base64url'),
      email: input.email ?? existing?.email,
      emailVerified: input.emailVerified ?? existing?.emailVerified ?? false,
      realmRoles: input.realmRoles ?? existing?.realmRoles ?? [],
      enabled: input.enabled ?? existing?.enabled ?? true,
    };
    this.users.set(user.username, user);
    return user;
  }

  upsertClient(client: RealmClient): void {
    this.clients.set(client.clientId, client);
    this.rebuild();
  }

  /** Adds a new signing key and makes it current; the old ones stay published, as Keycloak keeps them. */
  rotateSigningKey(): string {
    const key = newSigningKey();
    this.keys.unshift(key);
    this.rebuild();
    return key.kid;
  }

  private rebuild(): void {
    this.current = this.build();
    this.handler = this.current.callback();
  }

  private userById(id: string): RealmUser | undefined {
    return [...this.users.values()].find((user) => user.id === id);
  }

  private resourceServerInfo(resource: string, clientId: string): ResourceServerInfo {
    if (resource !== JWT_RESOURCE && resource !== OPAQUE_RESOURCE) {
      throw new errors.InvalidTarget(`unknown resource; use ${JWT_RESOURCE} or ${OPAQUE_RESOURCE}`);
    }
    const client = this.clients.get(clientId);
    return {
      scope: SCOPE,
      audience: client?.audience[0] ?? clientId,
      accessTokenFormat: resource === OPAQUE_RESOURCE ? 'opaque' : 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    };
  }

  private lifespan(client: Client | undefined): number {
    return (client && this.clients.get(client.clientId)?.accessTokenLifespan) || REALM_ACCESS_TOKEN_LIFESPAN;
  }

  /** Keycloak's claims: `azp`, `typ`, the user's e-mail and realm roles. */
  private async tokenClaims(token: IssuedToken): Promise<Record<string, unknown>> {
    const claims: Record<string, unknown> = { azp: token.clientId, typ: 'Bearer' };
    const user = token.accountId ? this.userById(token.accountId) : undefined;
    if (!user) {
      return { ...claims, preferred_username: `service-account-${token.clientId}`, realm_access: { roles: [] } };
    }
    return {
      ...claims,
      preferred_username: user.username,
      ...(user.email === undefined ? {} : { email: user.email, email_verified: user.emailVerified }),
      realm_access: { roles: [...user.realmRoles] },
    };
  }

  /**
   * Keycloak's direct access grant (`grant_type=password`): how the tests get tokens for different users from
   * the provider itself, signed with its current key.
   */
  private passwordGrant(provider: Provider) {
    return async (ctx: KoaContextWithOIDC): Promise<void> => {
      const { client, params = {} } = ctx.oidc;
      if (!client) throw new errors.InvalidRequest('client authentication is required');
      const username = typeof params['username'] === 'string' ? params['username'] : '';
      const password = typeof params['password'] === 'string' ? params['password'] : '';
      const user = this.users.get(username);
      if (!user || !user.enabled || !sameSecret(user.password, password)) {
        throw new errors.InvalidGrant('Invalid user credentials');
      }
      const resource = typeof params['resource'] === 'string' ? params['resource'] : JWT_RESOURCE;
      const resourceServer = new provider.ResourceServer(resource, this.resourceServerInfo(resource, client.clientId));
      const grant = new provider.Grant({ accountId: user.id, clientId: client.clientId });
      grant.addOIDCScope(SCOPE);
      const grantId = await grant.save();
      const token = new provider.AccessToken({
        accountId: user.id,
        client,
        grantId,
        gty: 'password',
        scope: SCOPE,
        resourceServer,
      });
      const accessToken = await token.save();
      ctx.body = { access_token: accessToken, token_type: 'Bearer', expires_in: token.expiration, scope: token.scope };
    };
  }

  private build(): Provider {
    const provider = new Provider(this.issuer, {
      adapter: this.store.adapterFor,
      clients: [...this.clients.values()].map(clientMetadata),
      jwks: { keys: this.keys },
      routes: KEYCLOAK_ROUTES,
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          // Keycloak asks for confirmation only when the client does not prove the session with id_token_hint.
          logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
            ctx.body = logoutPage(form, typeof ctx.oidc.params?.['id_token_hint'] === 'string');
          },
          postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
            ctx.body = LOGGED_OUT_PAGE;
          },
        },
        clientCredentials: { enabled: true },
        introspection: { enabled: true, allowedPolicy: async () => true },
        revocation: {
          enabled: true,
          allowedPolicy: async (_ctx: unknown, client: Client, token: IssuedToken) =>
            token.clientId === client.clientId,
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => JWT_RESOURCE,
          useGrantedResource: async () => true,
          getResourceServerInfo: async (_ctx: unknown, resource: string, client: Client) =>
            this.resourceServerInfo(resource, client.clientId),
        },
      },
      ttl: {
        AccessToken: (_ctx, _token, client) => this.lifespan(client),
        ClientCredentials: (_ctx, _token, client) => this.lifespan(client),
        Grant: 3600,
      },
      extraTokenClaims: async (_ctx, token) => this.tokenClaims(token),
      formats: {
        customizers: {
          // oidc-provider sets a single audience; Keycloak lists every audience in an array.
          jwt: async (_ctx, token, structured) => {
            const audience = token.clientId ? this.clients.get(token.clientId)?.audience : undefined;
            if (audience && audience.length > 1) structured.payload['aud'] = audience;
          },
        },
      },
      findAccount: async (_ctx, id) => {
        const user = this.userById(id);
        if (!user) return undefined;
        return {
          accountId: id,
          claims: async () => ({
            sub: id,
            preferred_username: user.username,
            ...(user.email === undefined ? {} : { email: user.email, email_verified: user.emailVerified }),
          }),
        };
      },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username'] },
      scopes: ['openid', 'profile', 'email'],
      clientBasedCORS: (_ctx, origin, client) => webOrigins(this.clients.get(client.clientId)).includes(origin),
      interactions: {
        url: (_ctx, interaction) => `${new URL(this.issuer).pathname}${LOGIN_ACTIONS_PATH}${interaction.uid}`,
      },
      // Keycloak issues a refresh token to every client allowed to use them, without offline_access.
      issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      pkce: { required: () => true },
      renderError: async (ctx, out) => {
        ctx.body = out;
      },
    });
    provider.registerGrantType('password', this.passwordGrant(provider), ['username', 'password', 'scope', 'resource']);
    return provider;
  }
}
