import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ResolvedAddress } from './endpoint-policy';
import { RemoteCallError } from './remote-call.error';
import { pinnedLookup, sendRemoteRequest } from './remote-http';

const LOOPBACK: ResolvedAddress = { address: '127.0.0.1', family: 4 };

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface TestServer {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];

/** A local HTTP server; `handler` answers after the request body was read. */
async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const started: TestServer = {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(started);
  return started;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<RemoteCallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RemoteCallError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('sendRemoteRequest', () => {
  it('returns the status, headers, body and a latency', async () => {
    const server = await startServer((_req, res) => json(res, 200, { status: 'ok' }));

    const response = await sendRemoteRequest({
      url: new URL(`http://127.0.0.1:${server.port}/api/health`),
      address: LOOPBACK,
      method: 'GET',
      timeoutMs: 2000,
    });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
    expect(response.headers['content-type']).toBe('application/json');
    expect(Number.isInteger(response.latencyMs)).toBe(true);
    expect(response.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.received[0]).toMatchObject({ method: 'GET', url: '/api/health' });
  });

  it('measures latency including the time the remote takes to answer', async () => {
    const server = await startServer((_req, res) => {
      setTimeout(() => json(res, 200, {}), 150);
    });

    const response = await sendRemoteRequest({
      url: new URL(`http://127.0.0.1:${server.port}/slow`),
      address: LOOPBACK,
      method: 'GET',
      timeoutMs: 2000,
    });

    expect(response.latencyMs).toBeGreaterThanOrEqual(140);
  });

  it('asks for JSON and sends no Origin header', async () => {
    const server = await startServer((_req, res) => json(res, 200, {}));

    await sendRemoteRequest({
      url: new URL(`http://127.0.0.1:${server.port}/api/config`),
      address: LOOPBACK,
      method: 'GET',
      headers: { authorization: 'Bearer k' },
      timeoutMs: 2000,
    });

    const headers = server.received[0].headers;
    expect(headers.origin).toBeUndefined();
    expect(headers.accept).toBe('application/json');
    expect(headers.authorization).toBe('Bearer k');
  });

  it('sends a body as JSON with its byte length', async () => {
    const server = await startServer((_req, res) => json(res, 201, {}));
    const body = JSON.stringify({ name: 'Zoë' });

    const response = await sendRemoteRequest({
      url: new URL(`http://127.0.0.1:${server.port}/api/things?x=1`),
      address: LOOPBACK,
      method: 'POST',
      body,
      timeoutMs: 2000,
    });

    expect(response.status).toBe(201);
    const received = server.received[0];
    expect(received).toMatchObject({ method: 'POST', url: '/api/things?x=1', body });
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('does not follow a redirect: a 302 is returned as it is', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: '/elsewhere' }).end();
      else json(res, 200, { followed: true });
    });

    const response = await sendRemoteRequest({
      url: new URL(`http://127.0.0.1:${server.port}/start`),
      address: LOOPBACK,
      method: 'GET',
      timeoutMs: 2000,
    });

    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/elsewhere');
    expect(server.received.map((request) => request.url)).toEqual(['/start']);
  });

  it('gives up with kind timeout after about timeoutMs when the remote never answers', async () => {
    const server = await startServer(() => undefined);
    const started = Date.now();

    const error = await failure(
      sendRemoteRequest({
        url: new URL(`http://127.0.0.1:${server.port}/hang`),
        address: LOOPBACK,
        method: 'GET',
        timeoutMs: 200,
      }),
    );

    const elapsed = Date.now() - started;
    expect(error.kind).toBe('timeout');
    expect(error.code).toBe('REMOTE_TIMEOUT');
    expect(error.status).toBe(504);
    expect(error.reason).toBe('No answer within 200 ms');
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1500);
  });

  it('also times out when the remote sends headers but never finishes the body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":');
    });

    const error = await failure(
      sendRemoteRequest({
        url: new URL(`http://127.0.0.1:${server.port}/stall`),
        address: LOOPBACK,
        method: 'GET',
        timeoutMs: 200,
      }),
    );

    expect(error.kind).toBe('timeout');
  });

  it.each([
    ['an emoji', 'Bearer key-\u{1F511}'],
    ['a newline', 'Bearer key\r\nX-Injected: 1'],
    ['a NUL', 'Bearer key\0'],
  ])(
    'refuses a header with %s as kind incompatible (a RemoteCallError, not a TypeError) and sends nothing',
    async (_what, value) => {
      const server = await startServer((_req, res) => res.writeHead(204).end());

      const error = await failure(
        sendRemoteRequest({
          url: new URL(`http://127.0.0.1:${server.port}/api/config`),
          address: LOOPBACK,
          method: 'GET',
          headers: { authorization: value },
          timeoutMs: 2000,
        }),
      );

      expect(error).toBeInstanceOf(RemoteCallError);
      expect(error).toMatchObject({ kind: 'incompatible', status: 502 });
      expect(error.reason).toMatch(
        /^The request could not be sent: a header or the path has characters HTTP cannot carry \(ERR_/,
      );
      expect(server.received).toEqual([]);
    },
  );

  it('reports a closed port as kind refused', async () => {
    const port = await closedPort();

    const error = await failure(
      sendRemoteRequest({
        url: new URL(`http://127.0.0.1:${port}/api/health`),
        address: LOOPBACK,
        method: 'GET',
        timeoutMs: 2000,
      }),
    );

    expect(error.kind).toBe('refused');
    expect(error.reason).toBe('Connection refused');
    expect(error.code).toBe('REMOTE_UNREACHABLE');
  });

  it('reports a remote that drops the connection as kind reset', async () => {
    const server = await startServer((req) => req.socket.destroy());

    const error = await failure(
      sendRemoteRequest({
        url: new URL(`http://127.0.0.1:${server.port}/drop`),
        address: LOOPBACK,
        method: 'GET',
        timeoutMs: 2000,
      }),
    );

    expect(error.kind).toBe('reset');
    expect(error.reason).toBe('Connection reset by the remote');
  });

  it('connects to the pinned address whatever the host name, so no DNS lookup happens', async () => {
    const server = await startServer((_req, res) => json(res, 200, { pinned: true }));

    const response = await sendRemoteRequest({
      url: new URL(`http://some-name.invalid:${server.port}/api/health`),
      address: LOOPBACK,
      method: 'GET',
      timeoutMs: 2000,
    });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ pinned: true });
    // The Host header still names the endpoint's host.
    expect(server.received[0].headers.host).toBe(`some-name.invalid:${server.port}`);
  });

  it('reuses the connection for consecutive calls to the same remote (keep-alive)', async () => {
    const server = await startServer((req, res) => json(res, 200, { port: req.socket.remotePort }));
    const call = () =>
      sendRemoteRequest({
        url: new URL(`http://127.0.0.1:${server.port}/api/health`),
        address: LOOPBACK,
        method: 'GET',
        timeoutMs: 2000,
      });

    const first = JSON.parse((await call()).body) as { port: number };
    const second = JSON.parse((await call()).body) as { port: number };

    expect(second.port).toBe(first.port);
  });
});

describe('pinnedLookup', () => {
  const address: ResolvedAddress = { address: '2001:db8::1', family: 6 };

  // A synchronous answer lets a connect that fails at once (ENETUNREACH) emit 'error' before node:http has
  // attached its listener, which ends the process.
  it.each([
    ['one address', {}],
    ['all addresses', { all: true }],
  ])('answers with the pinned address (%s) only on a later turn of the event loop', async (_name, options) => {
    const answers: unknown[][] = [];
    const answered = new Promise<void>((resolve) =>
      pinnedLookup(address)('ignored.example', options, (...args: unknown[]) => {
        answers.push(args);
        resolve();
      }),
    );

    expect(answers).toEqual([]);
    await answered;
    expect(answers).toEqual(['all' in options ? [null, [address]] : [null, address.address, address.family]]);
  });
});
