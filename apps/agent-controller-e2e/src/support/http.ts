/* eslint-disable @typescript-eslint/no-explicit-any -- responses are read loosely by tests; assertions check their shape */
/** A minimal JSON client over fetch for driving the API like any HTTP consumer would. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is (for malformed-JSON cases). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export class Api {
  /** `headers` go with every request (e.g. the load balancer's pin to one replica). */
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  post<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('POST', path, { ...options, body });
  }
  patch<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }
}

/** Creates the first admin through the setup flow and returns its token. */
export async function setUpFirstAdmin(
  api: Api,
  setupToken: string,
  email = 'admin@example.com',
  password = 'correct horse battery',
): Promise<string> {
  const response = await api.post('/api/auth/setup', { token: setupToken, email, password });
  if (response.status !== 201) throw new Error(`setup failed: ${response.status} ${response.text}`);
  return response.body.accessToken;
}
