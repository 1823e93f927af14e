import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { createAgentControllerClient, dataOf, totalCountOf } from './agent-controller-client';
import { AgentControllerApiError, AgentControllerUnreachableError } from './api-error';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real HTTP server answering with whatever the test's handler says. */
async function serve(handler: Handler): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

describe('createAgentControllerClient', () => {
  let server: Server;
  let baseUrl: string;
  let seen: IncomingMessage[];
  let answer: Handler;

  beforeAll(async () => {
    ({ server, baseUrl } = await serve((request, response) => {
      seen.push(request);
      answer(request, response);
    }));
  });
  beforeEach(() => (seen = []));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('sends the token as a bearer header and the query, and resolves with the parsed body', async () => {
    answer = (_request, response) => json(response, 200, [{ id: 'c1', name: 'one' }], { 'x-total-count': '7' });
    const api = createAgentControllerClient({ baseUrl: `${baseUrl}/`, token: 'secret-token' });

    const call = api.GET('/api/clients', { params: { query: { limit: 5, search: 'on e' } } });
    const clients = await dataOf(call);

    expect(clients).toEqual([{ id: 'c1', name: 'one' }]);
    expect(totalCountOf((await call).response)).toBe(7);
    expect(seen[0].headers['authorization']).toBe('Bearer secret-token');
    expect(seen[0].url).toBe('/api/clients?limit=5&search=on%20e');
  });

  it('sends no authorization header without a token', async () => {
    answer = (_request, response) => json(response, 200, { status: 'ok' });
    await createAgentControllerClient({ baseUrl }).GET('/api/health');
    expect(seen[0].headers['authorization']).toBeUndefined();
  });

  it("rejects an error answer with the error model's code, message, status, fields and request id", async () => {
    answer = (_request, response) =>
      json(response, 400, {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'name: required',
        details: { fields: [{ field: 'name', location: 'body', message: 'required' }] },
        requestId: 'req-1',
      });
    const api = createAgentControllerClient({ baseUrl, token: 't' });

    const error = await api
      .POST('/api/clients', { body: { name: '', endpoint: 'http://x', authenticationType: 'api_key' } })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AgentControllerApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'name: required',
      requestId: 'req-1',
      fields: [{ field: 'name', location: 'body', message: 'required' }],
    });
  });

  it('gives an answer outside the error model the code its status implies', async () => {
    answer = (_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>Bad gateway</html>');
    };
    const error = await createAgentControllerClient({ baseUrl })
      .GET('/api/clients/{id}', { params: { path: { id: 'x' } } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, code: 'INTERNAL_ERROR', message: '<html>Bad gateway</html>' });

    answer = (_request, response) => json(response, 404, { statusCode: 404, code: 'SOMETHING_NEW', message: 'gone' });
    const unknownCode = await createAgentControllerClient({ baseUrl })
      .GET('/api/clients/{id}', { params: { path: { id: 'x' } } })
      .catch((caught: unknown) => caught);
    expect(unknownCode).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'gone' });
  });

  it('resolves a 204 answer with no data, and dataOf refuses it', async () => {
    answer = (_request, response) => {
      response.writeHead(204);
      response.end();
    };
    const api = createAgentControllerClient({ baseUrl, token: 't' });
    const deleted = await api.DELETE('/api/clients/{id}', { params: { path: { id: 'c1' } } });
    expect(deleted.response.status).toBe(204);
    expect(seen[0].method).toBe('DELETE');
    await expect(dataOf(api.GET('/api/health'))).rejects.toThrow('answered 204 without a body');
  });

  it('rejects with an unreachable error naming the URL when nothing listens', async () => {
    const closed = await serve(() => undefined);
    await new Promise((resolve) => closed.server.close(resolve));
    const error = await createAgentControllerClient({ baseUrl: closed.baseUrl })
      .GET('/api/health')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AgentControllerUnreachableError);
    expect((error as Error).message).toContain(`cannot reach ${closed.baseUrl}`);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});
