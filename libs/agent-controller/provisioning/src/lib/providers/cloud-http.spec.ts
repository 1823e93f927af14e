import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CloudApiError, CloudOutcomeUnknownError } from './cloud-api.error';
import { CloudHttp, retryDelay } from './cloud-http';

/** A local HTTP server answering each request with the next scripted status. */
async function scripted(
  statuses: number[],
  headers: Record<string, string> = {},
): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((request, response) => {
    const status = statuses[Math.min(hits, statuses.length - 1)];
    hits += 1;
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(
      JSON.stringify(
        status < 400 ? { ok: true, auth: request.headers.authorization } : { id: 'x', message: `status ${status}` },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

const readError = (body: unknown) => body as { code?: string; message?: string };

describe('CloudHttp', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((server) => server.close()));

  it('retries 429 and 5xx, then answers with the token sent', async () => {
    const remote = await scripted([429, 503, 200], { 'retry-after': '0' });
    servers.push(remote.server);
    const response = await new CloudHttp('hetzner', remote.url, 't0k', readError).request<{ auth: string }>(
      'GET',
      '/x',
    );
    expect(response).toEqual({ status: 200, body: { ok: true, auth: 'Bearer t0k' } });
    expect(remote.hits()).toBe(3);
  });

  it('does not retry a 4xx about the request, and says what the cloud said', async () => {
    const remote = await scripted([422]);
    servers.push(remote.server);
    const error = await new CloudHttp('digital-ocean', remote.url, 't', readError)
      .request('POST', '/x', { body: {} })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudApiError);
    expect(error).toMatchObject({
      code: 'CLOUD_REJECTED',
      status: 422,
      message: 'digital-ocean answered 422: status 422',
    });
    expect(remote.hits()).toBe(1);
  });

  it('accepts the statuses a caller treats as answers (404 = gone)', async () => {
    const remote = await scripted([404]);
    servers.push(remote.server);
    await expect(
      new CloudHttp('hetzner', remote.url, 't', readError).request('GET', '/x', { accept: [404] }),
    ).resolves.toMatchObject({ status: 404 });
  });

  it('gives up after four attempts as CLOUD_UNAVAILABLE', async () => {
    const remote = await scripted([500], { 'retry-after': '0' });
    servers.push(remote.server);
    const error = await new CloudHttp('hetzner', remote.url, 't', readError)
      .request('GET', '/x')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CLOUD_UNAVAILABLE', status: 502 });
    expect(remote.hits()).toBe(4);
  });

  describe('a create (POST) is sent once', () => {
    it('is not sent again after a 5xx: the outcome is unknown', async () => {
      const remote = await scripted([503, 201], { 'retry-after': '0' });
      servers.push(remote.server);
      const error = await new CloudHttp('hetzner', remote.url, 't', readError)
        .request('POST', '/servers', { body: {} })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CloudOutcomeUnknownError);
      expect(error).toMatchObject({ code: 'CLOUD_UNAVAILABLE', message: expect.stringContaining('outcome unknown') });
      expect(remote.hits()).toBe(1);
    });

    it('is sent again after a 429 (the cloud did nothing)', async () => {
      const remote = await scripted([429, 201], { 'retry-after': '0' });
      servers.push(remote.server);
      const response = await new CloudHttp('hetzner', remote.url, 't', readError).request('POST', '/servers', {
        body: {},
      });
      expect(response.status).toBe(201);
      expect(remote.hits()).toBe(2);
    });

    it('is not sent again after a broken connection or a timeout; a read is', async () => {
      let hits = 0;
      const server = createServer((request, response) => {
        hits += 1;
        if (request.url === '/broken') request.socket.destroy();
        else if (request.url === '/read' && hits === 1) request.socket.destroy();
        else if (request.url === '/read') response.end('{}');
        // '/slow' never answers.
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const http = new CloudHttp(
        'digital-ocean',
        `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        't',
        readError,
        300,
      );

      await expect(http.request('POST', '/broken', { body: {} })).rejects.toBeInstanceOf(CloudOutcomeUnknownError);
      expect(hits).toBe(1);
      hits = 0;
      await expect(http.request('POST', '/slow', { body: {} })).rejects.toBeInstanceOf(CloudOutcomeUnknownError);
      expect(hits).toBe(1);
      hits = 0;
      await expect(http.request('GET', '/read')).resolves.toMatchObject({ status: 200 });
      expect(hits).toBe(2);
      server.closeAllConnections();
    });
  });

  it('waits as Retry-After or the rate-limit reset says, capped at 5 s', () => {
    expect(retryDelay(new Headers({ 'retry-after': '2' }), 1)).toBe(2000);
    expect(retryDelay(new Headers({ 'retry-after': '600' }), 1)).toBe(5000);
    const reset = String(Math.floor(Date.now() / 1000) + 3);
    const delay = retryDelay(new Headers({ 'ratelimit-remaining': '0', 'ratelimit-reset': reset }), 1);
    expect(delay).toBeGreaterThan(1000);
    expect(delay).toBeLessThanOrEqual(3000);
    expect(retryDelay(new Headers(), 2)).toBe(1000);
  });
});
