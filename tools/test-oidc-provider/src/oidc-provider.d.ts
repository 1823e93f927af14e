/**
 * The parts of oidc-provider (ESM, ships no types) this tool uses. Deliberately narrow: anything else is
 * `unknown` so a wrong guess fails to compile instead of at run time.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface Client {
    clientId: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface InteractionResults {
    login?: { accountId: string };
    consent?: { grantId: string };
  }

  export interface OidcContext {
    client?: Client;
    params?: Record<string, unknown>;
  }

  export interface KoaContextWithOIDC {
    oidc: OidcContext;
    body: unknown;
  }

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenFormat?: 'opaque' | 'jwt';
    accessTokenTTL?: number;
    jwt?: { sign?: { alg: string } };
  }

  export interface IssuedToken {
    kind: string;
    clientId?: string;
    accountId?: string;
  }

  export interface StructuredToken {
    header?: Record<string, unknown>;
    payload: Record<string, unknown>;
  }

  export interface AdapterPayload {
    grantId?: string;
    uid?: string;
    userCode?: string;
    consumed?: number;
    [claim: string]: unknown;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface Account {
    accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }

  /** Configuration keys this tool sets; see oidc-provider's documentation for their meaning. */
  export interface Configuration {
    adapter: (model: string) => Adapter;
    clients: Array<Record<string, unknown>>;
    jwks: { keys: Array<Record<string, unknown>> };
    routes: Record<string, string>;
    features: Record<string, unknown>;
    ttl: Record<string, number | ((ctx: unknown, token: IssuedToken, client?: Client) => number)>;
    extraTokenClaims: (ctx: unknown, token: IssuedToken) => Promise<Record<string, unknown> | undefined>;
    formats: {
      customizers: { jwt: (ctx: unknown, token: IssuedToken, structured: StructuredToken) => Promise<void> };
    };
    findAccount: (ctx: unknown, id: string) => Promise<Account | undefined>;
    cookies: { keys: string[] };
    claims: Record<string, string[]>;
    scopes: string[];
    clientBasedCORS: (ctx: unknown, origin: string, client: Client) => boolean;
    interactions: { url: (ctx: unknown, interaction: { uid: string }) => string };
    issueRefreshToken: (ctx: unknown, client: Client) => Promise<boolean>;
    pkce: { required: () => boolean };
    renderError: (ctx: KoaContextWithOIDC, out: Record<string, unknown>, error: Error) => Promise<void>;
  }

  interface TokenModel<T> {
    new (properties: Record<string, unknown>): T;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface AccessTokenInstance {
    expiration: number;
    scope?: string;
    save(): Promise<string>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly issuer: string;
    readonly Grant: TokenModel<GrantInstance> & { find(id: string): Promise<GrantInstance | undefined> };
    readonly AccessToken: TokenModel<AccessTokenInstance>;
    readonly ResourceServer: new (identifier: string, info: ResourceServerInfo) => unknown;
    readonly Client: { find(id: string): Promise<Client | undefined> };
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    registerGrantType(
      name: string,
      handler: (ctx: KoaContextWithOIDC) => Promise<void>,
      parameters?: string[],
      allowedDuplicateParameters?: string[],
    ): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      request: IncomingMessage,
      response: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }

  export const errors: {
    InvalidGrant: new (description: string) => Error;
    InvalidRequest: new (description: string) => Error;
    InvalidTarget: new (description?: string) => Error;
  };
}
