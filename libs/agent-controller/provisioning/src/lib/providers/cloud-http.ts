import { ProviderType } from '@agent-controller/shared-contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudApiError, CloudOutcomeUnknownError } from './cloud-api.error';

const MAX_ATTEMPTS = 4;
const MAX_WAIT_MS = 5_000;
const TIMEOUT_MS = 30_000;
/** Sending these again may do the work twice (a second server): without an answer, the outcome is unknown. */
const NOT_IDEMPOTENT = new Set(['POST', 'PATCH']);

export interface CloudRequest {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Statuses that are answers, not failures (e.g. 404 on a read: "gone"). */
  accept?: number[];
}

export interface CloudResponse<T> {
  status: number;
  body: T;
}

/** How one cloud words its errors: `{id, message}` (DigitalOcean) or `{error: {code, message}}` (Hetzner). */
export type ErrorReader = (body: unknown) => { code?: string; message?: string };

/**
 * JSON over HTTP to a cloud API with its bearer token. Retries 429 (the cloud did nothing) with backoff that
 * honours `Retry-After` or `RateLimit-Reset`. Reads and deletes are also retried after a 5xx, a timeout or a
 * network failure; a POST is not (it may have been done): it fails with `CloudOutcomeUnknownError`.
 * Every other error is the caller's to see.
 */
export class CloudHttp {
  constructor(
    private readonly provider: ProviderType,
    private readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly readError: ErrorReader,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  async request<T>(method: string, path: string, options: CloudRequest = {}): Promise<CloudResponse<T>> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const repeatable = !NOT_IDEMPOTENT.has(method);
    let lastFailure = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${this.token ?? ''}`,
            accept: 'application/json',
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          redirect: 'manual',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        // The body under the same timeout: an answer cut off halfway is no answer.
        text = await response.text();
      } catch (error) {
        lastFailure = `${method} ${url.pathname} failed: ${(error as Error).message}`;
        if (!repeatable) throw new CloudOutcomeUnknownError(this.provider, lastFailure);
        if (attempt < MAX_ATTEMPTS) await sleep(backoff(attempt));
        continue;
      }
      const body = parse(text);
      if (response.ok || options.accept?.includes(response.status)) return { status: response.status, body: body as T };
      const { code, message } = this.readError(body);
      const detail = `${this.provider} answered ${response.status}${code ? ` ${code}` : ''}: ${message ?? 'no message'}`;
      if (response.status >= 500 && !repeatable) {
        throw new CloudOutcomeUnknownError(this.provider, detail, response.status, code);
      }
      if (response.status === 429 || response.status >= 500) {
        lastFailure = detail;
        if (attempt < MAX_ATTEMPTS) await sleep(retryDelay(response.headers, attempt));
        continue;
      }
      const kind = response.status === 401 || response.status === 403 ? 'auth' : 'rejected';
      throw new CloudApiError(this.provider, kind, detail, response.status, code);
    }
    throw new CloudApiError(this.provider, 'unavailable', `${lastFailure} (after ${MAX_ATTEMPTS} attempts)`);
  }
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function backoff(attempt: number): number {
  return Math.min(MAX_WAIT_MS, 250 * 2 ** attempt);
}

/** `Retry-After` (seconds) first, else the rate limit's reset time (unix seconds), else exponential backoff. */
export function retryDelay(headers: Headers, attempt: number): number {
  const retryAfter = Number(headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(MAX_WAIT_MS, retryAfter * 1000);
  const reset = Number(headers.get('ratelimit-reset'));
  if (headers.get('ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.min(MAX_WAIT_MS, Math.max(0, reset * 1000 - Date.now()));
  }
  return backoff(attempt);
}
