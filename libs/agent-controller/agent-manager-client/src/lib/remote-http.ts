import http, { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ResolvedAddress } from './endpoint-policy';
import { classifyNetworkError, RemoteCallError } from './remote-call.error';

/** One pool of keep-alive sockets per scheme for every remote: connections are reused between calls. */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 }),
};

const MAX_RESPONSE_BYTES = 20 * 1024 * 1024;

export interface RemoteRequest {
  url: URL;
  address: ResolvedAddress;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface RemoteResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  latencyMs: number;
}

/**
 * Connects to the address that was checked, whatever DNS says now (no rebinding between check and use).
 * Answers on a later turn of the event loop, as a real lookup does: answered synchronously, a connect that
 * fails at once (ENETUNREACH) emits the socket's 'error' before node:http or ws have attached their
 * listener, and an unhandled 'error' ends the process.
 */
export function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    setImmediate(() => {
      if (options.all)
        (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [address]);
      else callback(null, address.address, address.family);
    });
  };
}

/**
 * Sends one request with a hard time limit over the shared keep-alive pool. Redirects are not followed
 * (node:http never does), and no Origin header is sent (remotes refuse cross-origin writes that carry one).
 */
export function sendRemoteRequest(request: RemoteRequest): Promise<RemoteResponse> {
  const started = performance.now();
  const isHttps = request.url.protocol === 'https:';
  const transport = isHttps ? https : http;
  return new Promise<RemoteResponse>((resolve, reject) => {
    const outgoing = transport.request(
      {
        protocol: request.url.protocol,
        hostname: request.url.hostname,
        port: request.url.port || (isHttps ? 443 : 80),
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body) }),
          ...request.headers,
        },
        agent: AGENTS[isHttps ? 'https:' : 'http:'],
        lookup: pinnedLookup(request.address),
        ...(isHttps ? { servername: request.url.hostname.replace(/^\[|\]$/g, '') } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            outgoing.destroy(new RemoteCallError('incompatible', `Response larger than ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            latencyMs: Math.round(performance.now() - started),
          }),
        );
        response.on('error', (error) => reject(classifyNetworkError(error)));
      },
    );
    const timer = setTimeout(
      () => outgoing.destroy(new RemoteCallError('timeout', `No answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    outgoing.on('error', (error) => reject(classifyNetworkError(error)));
    outgoing.on('close', () => clearTimeout(timer));
    outgoing.end(request.body);
    // Node checks headers and the path synchronously: a value it cannot send throws out of the executor
    // (before any socket is taken) and must still end as a remote-call failure, not Node's TypeError.
  }).catch((error: unknown) => {
    throw classifyNetworkError(error);
  });
}
