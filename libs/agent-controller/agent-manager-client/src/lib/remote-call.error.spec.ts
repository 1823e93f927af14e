import { DomainError } from '@agent-controller/core';
import { classifyNetworkError, RemoteCallError, RemoteFailureKind } from './remote-call.error';

function errno(code: string, message = `connect ${code}`): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

describe('RemoteCallError', () => {
  it.each<[RemoteFailureKind, string, number]>([
    ['dns', 'REMOTE_UNREACHABLE', 502],
    ['refused', 'REMOTE_UNREACHABLE', 502],
    ['reset', 'REMOTE_UNREACHABLE', 502],
    ['network', 'REMOTE_UNREACHABLE', 502],
    ['tls', 'REMOTE_UNREACHABLE', 502],
    ['blocked', 'ENDPOINT_NOT_ALLOWED', 400],
    ['timeout', 'REMOTE_TIMEOUT', 504],
    ['auth', 'REMOTE_AUTH_FAILED', 502],
    ['server_error', 'REMOTE_ERROR', 502],
    ['incompatible', 'REMOTE_INCOMPATIBLE', 502],
  ])('maps kind %s to %s (HTTP %d)', (kind, code, status) => {
    const error = new RemoteCallError(kind, 'why');

    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toBe('why');
    expect(error.name).toBe('RemoteCallError');
  });

  it('carries the kind, and the remote status only when there is one, in its details', () => {
    expect(new RemoteCallError('auth', 'no', 401).details).toEqual({ kind: 'auth', remoteStatus: 401 });
    expect(new RemoteCallError('refused', 'no').details).toEqual({ kind: 'refused' });
  });

  it('names the client in its details when given one, keeping everything else', () => {
    const original = new RemoteCallError('rejected', 'Agent not found', 404);

    const named = original.forClient('c1');

    expect(named).toBeInstanceOf(RemoteCallError);
    expect(named).toMatchObject({ kind: 'rejected', reason: 'Agent not found', remoteStatus: 404, clientId: 'c1' });
    expect(named.message).toBe('Agent not found');
    expect(named.status).toBe(404);
    expect(named.details).toEqual({ kind: 'rejected', remoteStatus: 404, clientId: 'c1' });
    expect(named.stack).toBe(original.stack);
    expect(named.forClient('c1')).toBe(named);
    expect(original.details).toEqual({ kind: 'rejected', remoteStatus: 404 });
  });
});

describe('classifyNetworkError', () => {
  it.each<[NodeJS.ErrnoException, RemoteFailureKind, string]>([
    [errno('ENOTFOUND'), 'dns', 'DNS lookup failed (ENOTFOUND)'],
    [errno('EAI_AGAIN'), 'dns', 'DNS lookup failed (EAI_AGAIN)'],
    [errno('ECONNREFUSED'), 'refused', 'Connection refused'],
    [errno('ECONNRESET'), 'reset', 'Connection reset by the remote'],
    [errno('EPIPE'), 'reset', 'Connection reset by the remote'],
    [new Error('socket hang up'), 'reset', 'Connection reset by the remote'],
    [errno('ETIMEDOUT'), 'timeout', 'Connection timed out'],
    [errno('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls', 'TLS failure (DEPTH_ZERO_SELF_SIGNED_CERT)'],
    [errno('CERT_HAS_EXPIRED'), 'tls', 'TLS failure (CERT_HAS_EXPIRED)'],
    [errno('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls', 'TLS failure (ERR_TLS_CERT_ALTNAME_INVALID)'],
    [errno('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls', 'TLS failure (ERR_SSL_WRONG_VERSION_NUMBER)'],
    [errno('EHOSTUNREACH', 'no route'), 'network', 'Network error (EHOSTUNREACH): no route'],
    [new Error('odd'), 'network', 'Network error: odd'],
  ])('classifies %p as %s', (error, kind, reason) => {
    const classified = classifyNetworkError(error);

    expect(classified.kind).toBe(kind);
    expect(classified.reason).toBe(reason);
  });

  it.each(['ERR_INVALID_CHAR', 'ERR_HTTP_INVALID_HEADER_VALUE', 'ERR_INVALID_HTTP_TOKEN', 'ERR_UNESCAPED_CHARACTERS'])(
    "classifies Node's refusal to build a request (%s) as incompatible, without Node's own message",
    (code) => {
      const classified = classifyNetworkError(errno(code, 'Invalid character in header content ["authorization"]'));

      expect(classified).toMatchObject({ kind: 'incompatible', code: 'REMOTE_INCOMPATIBLE', status: 502 });
      expect(classified.reason).toBe(
        `The request could not be sent: a header or the path has characters HTTP cannot carry (${code})`,
      );
    },
  );

  it('passes a RemoteCallError through unchanged', () => {
    const original = new RemoteCallError('timeout', 'No answer within 5 ms');

    expect(classifyNetworkError(original)).toBe(original);
  });

  it('copes with something that is not an Error', () => {
    expect(classifyNetworkError('boom')).toMatchObject({ kind: 'network', reason: 'Network error: boom' });
    expect(classifyNetworkError(undefined).kind).toBe('network');
  });
});
