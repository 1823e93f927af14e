import { DomainError } from '@agent-controller/core';
import { ErrorCode } from '@agent-controller/shared-contracts';

/** Why a call to a remote did not produce a usable answer. */
export type RemoteFailureKind =
  | 'dns'
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'tls'
  | 'network'
  | 'blocked'
  | 'auth'
  | 'server_error'
  | 'incompatible'
  /** The remote refused the request itself (4xx other than 401/403): passed on with its status. */
  | 'rejected';

const CODE_BY_KIND: Record<RemoteFailureKind, ErrorCode> = {
  dns: 'REMOTE_UNREACHABLE',
  refused: 'REMOTE_UNREACHABLE',
  reset: 'REMOTE_UNREACHABLE',
  network: 'REMOTE_UNREACHABLE',
  tls: 'REMOTE_UNREACHABLE',
  blocked: 'ENDPOINT_NOT_ALLOWED',
  timeout: 'REMOTE_TIMEOUT',
  auth: 'REMOTE_AUTH_FAILED',
  server_error: 'REMOTE_ERROR',
  incompatible: 'REMOTE_INCOMPATIBLE',
  rejected: 'REMOTE_REJECTED',
};

/** A failed remote call, with a reason an operator can act on. The HTTP status follows from the code. */
export class RemoteCallError extends DomainError {
  constructor(
    readonly kind: RemoteFailureKind,
    readonly reason: string,
    readonly remoteStatus?: number,
    /** The client whose remote failed; error bodies name it in `details.clientId`. */
    readonly clientId?: string,
  ) {
    super(CODE_BY_KIND[kind], reason, {
      kind,
      ...(remoteStatus === undefined ? {} : { remoteStatus }),
      ...(clientId === undefined ? {} : { clientId }),
    });
    this.name = 'RemoteCallError';
  }

  /** The same failure, naming the client it happened on (the reason is unchanged: health reasons reuse it). */
  forClient(clientId: string): RemoteCallError {
    if (this.clientId === clientId) return this;
    const named = new RemoteCallError(this.kind, this.reason, this.remoteStatus, clientId);
    named.stack = this.stack;
    return named;
  }

  /** A remote's own 4xx keeps its status; every other failure has the status of its code. */
  override get status(): number {
    return this.kind === 'rejected' && this.remoteStatus !== undefined ? this.remoteStatus : super.status;
  }
}

/** Node's refusals to build a request whose header or path has characters HTTP cannot carry. */
const UNSENDABLE_REQUEST_CODES = new Set([
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_UNESCAPED_CHARACTERS',
]);

/** Turns a socket-level error into a failure kind and a sentence that says which. */
export function classifyNetworkError(error: unknown): RemoteCallError {
  if (error instanceof RemoteCallError) return error;
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  const message = (error as Error)?.message ?? String(error);
  if (UNSENDABLE_REQUEST_CODES.has(code)) {
    // Nothing was sent. Node's message is not repeated: it is about its internals, not the remote.
    return new RemoteCallError(
      'incompatible',
      `The request could not be sent: a header or the path has characters HTTP cannot carry (${code})`,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new RemoteCallError('dns', `DNS lookup failed (${code})`);
  }
  if (code === 'ECONNREFUSED') return new RemoteCallError('refused', 'Connection refused');
  if (code === 'ECONNRESET' || code === 'EPIPE' || message === 'socket hang up') {
    return new RemoteCallError('reset', 'Connection reset by the remote');
  }
  if (code === 'ETIMEDOUT') return new RemoteCallError('timeout', 'Connection timed out');
  if (
    code.startsWith('ERR_TLS') ||
    code.includes('CERT') ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code.startsWith('ERR_SSL')
  ) {
    return new RemoteCallError('tls', `TLS failure (${code})`);
  }
  return new RemoteCallError('network', `Network error${code ? ` (${code})` : ''}: ${message}`);
}
