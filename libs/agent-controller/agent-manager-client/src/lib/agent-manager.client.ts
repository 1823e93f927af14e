import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig, currentRequestContext } from '@agent-controller/core';
import {
  isVisibleAscii,
  RemoteConfig,
  remoteConfigSchema,
  remoteHealthSchema,
} from '@agent-controller/shared-contracts';
import { z } from 'zod';
import { EndpointPolicy } from './endpoint-policy';
import { KeycloakTokenProvider } from './keycloak-token.provider';
import { RemoteCallError } from './remote-call.error';
import { RemoteTarget } from './remote-credentials';
import { RemoteResponse, sendRemoteRequest } from './remote-http';

export interface CallOptions {
  /** Without credentials (the remote's health route is public). */
  anonymous?: boolean;
  timeoutMs?: number;
  body?: unknown;
}

/** A remote answer that passed status and shape checks. */
export interface RemoteResult<T> {
  data: T;
  status: number;
  latencyMs: number;
}

/** Reads the remote's `{message}` error body, if it sent one. */
function remoteMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? message : Array.isArray(message) ? message.join('; ') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one way the controller talks HTTP to a remote agent-manager (contract: shared/contracts/agent-manager.md).
 * Every call has a time limit, goes to a checked address, carries the client's credentials and the request
 * id, and fails with a `RemoteCallError` that says what went wrong.
 */
@Injectable()
export class AgentManagerClient {
  constructor(
    private readonly endpoints: EndpointPolicy,
    private readonly tokens: KeycloakTokenProvider,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async getHealth(target: RemoteTarget, timeoutMs?: number): Promise<RemoteResult<z.infer<typeof remoteHealthSchema>>> {
    return this.call(target, 'GET', '/api/health', remoteHealthSchema, { anonymous: true, timeoutMs });
  }

  async getConfig(target: RemoteTarget, timeoutMs?: number): Promise<RemoteResult<RemoteConfig>> {
    return this.call(target, 'GET', '/api/config', remoteConfigSchema, { timeoutMs });
  }

  /** Sends a request and checks the answer against `schema`. Any 2xx is success (the contract says so). */
  async call<T>(
    target: RemoteTarget,
    method: string,
    path: string,
    schema: z.ZodType<T>,
    options: CallOptions = {},
  ): Promise<RemoteResult<T>> {
    const response = await this.send(target, method, path, options);
    let parsed: unknown;
    try {
      parsed = response.body === '' ? null : JSON.parse(response.body);
    } catch {
      throw new RemoteCallError(
        'incompatible',
        `${method} ${path} answered ${response.status} with a body that is not JSON`,
        undefined,
        target.clientId,
      );
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new RemoteCallError(
        'incompatible',
        `${method} ${path} answered in an unexpected shape (${issue.path.join('.') || 'body'}: ${issue.message})`,
        undefined,
        target.clientId,
      );
    }
    return { data: result.data, status: response.status, latencyMs: response.latencyMs };
  }

  /**
   * Sends a request; a non-2xx answer becomes a `RemoteCallError` (auth, server error, or the remote's 4xx).
   * Every failure names the client (`details.clientId`), whichever step it came from.
   */
  async send(target: RemoteTarget, method: string, path: string, options: CallOptions = {}): Promise<RemoteResponse> {
    return this.sendUnnamed(target, method, path, options).catch((error: unknown) => {
      throw error instanceof RemoteCallError ? error.forClient(target.clientId) : error;
    });
  }

  private async sendUnnamed(
    target: RemoteTarget,
    method: string,
    path: string,
    options: CallOptions,
  ): Promise<RemoteResponse> {
    const url = new URL(`${target.endpoint}${path}`);
    const address = await this.endpoints.resolve(url);
    const headers: Record<string, string> = {};
    if (!options.anonymous) headers['authorization'] = await this.authorization(target);
    const requestId = currentRequestContext()?.requestId;
    if (requestId) headers['x-request-id'] = requestId;
    const response = await sendRemoteRequest({
      url,
      address,
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      timeoutMs: options.timeoutMs ?? this.config.remote.requestTimeoutMs,
    });
    if (response.status >= 200 && response.status < 300) return response;
    const message = remoteMessage(response.body);
    if (response.status === 401 || response.status === 403) {
      if (target.credentials.type === 'keycloak') this.tokens.forget(target.clientId);
      throw new RemoteCallError(
        'auth',
        `The remote refused the credentials (HTTP ${response.status}${message ? `: ${message}` : ''})`,
        response.status,
      );
    }
    if (response.status >= 500) {
      throw new RemoteCallError(
        'server_error',
        `The remote failed (HTTP ${response.status}${message ? `: ${message}` : ''})`,
        response.status,
      );
    }
    if (response.status >= 300 && response.status < 400) {
      throw new RemoteCallError(
        'incompatible',
        `The remote redirected (HTTP ${response.status}); redirects are not followed`,
        response.status,
      );
    }
    throw new RemoteCallError('rejected', message ?? `The remote answered HTTP ${response.status}`, response.status);
  }

  /**
   * `Bearer <api key>`, or `Bearer <Keycloak token>` (cached until shortly before it expires). A stored key that
   * a header cannot carry (saved before validation refused it, or written to the database by hand) is an
   * authentication failure with a reason to act on, not Node's header error.
   */
  async authorization(target: RemoteTarget): Promise<string> {
    const credentials = target.credentials;
    if (credentials.type === 'keycloak') return `Bearer ${await this.tokens.getToken(target.clientId, credentials)}`;
    if (!isVisibleAscii(credentials.apiKey)) {
      throw new RemoteCallError(
        'auth',
        'The stored API key cannot be sent in an HTTP header (only visible ASCII characters are allowed): set the key again',
      );
    }
    return `Bearer ${credentials.apiKey}`;
  }
}
