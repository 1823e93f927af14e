import createClient, { Client, Middleware } from 'openapi-fetch';
import type { paths } from '../generated/agent-controller-api';
import { AgentControllerApiError, AgentControllerUnreachableError } from './api-error';

export interface AgentControllerClientOptions {
  /** The controller's base URL, e.g. `https://controller.example.com` (without `/api`). */
  baseUrl: string;
  /** A bearer token: a user's access token or the `api-key` mode's key. */
  token?: string;
  /** Replaces `globalThis.fetch` (tests, proxies). */
  fetch?: (request: Request) => Promise<Response>;
}

/** A typed client of every REST route in the committed OpenAPI document. */
export type AgentControllerClient = Client<paths>;

/**
 * A typed client whose calls send `Authorization: Bearer <token>` and reject with {@link AgentControllerApiError}
 * on any error answer, or {@link AgentControllerUnreachableError} when no answer came: a call that resolves
 * succeeded. Read its data with {@link dataOf}.
 */
export function createAgentControllerClient(options: AgentControllerClientOptions): AgentControllerClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const client = createClient<paths>({ baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  client.use(errorsAsExceptions(baseUrl, options.token));
  return client;
}

function errorsAsExceptions(baseUrl: string, token: string | undefined): Middleware {
  return {
    onRequest: ({ request }) => {
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
    onResponse: async ({ response }) => {
      if (!response.ok) throw await AgentControllerApiError.fromResponse(response);
      return undefined;
    },
    onError: ({ error }) =>
      error instanceof AgentControllerApiError ? error : new AgentControllerUnreachableError(baseUrl, error),
  };
}

/**
 * The parsed body of a call made with {@link createAgentControllerClient} (its errors were already thrown), typed
 * from the document: `const clients = await dataOf(api.GET('/api/clients'))`.
 */
export async function dataOf<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data, response } = await call;
  if (data === undefined) throw new Error(`${response.url} answered ${response.status} without a body`);
  return data;
}

/** The `X-Total-Count` of a list answer (how many match, beyond this page), or undefined when absent. */
export function totalCountOf(response: Response): number | undefined {
  const header = response.headers.get('x-total-count');
  return header === null ? undefined : Number(header);
}
