import { Logger } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { currentRequestContext } from '../auth-context/request-context';
import { ApiExceptionFilter } from '../errors/api-exception.filter';
import { DomainError } from '../errors/domain-error';
import { bodyParserErrorMiddleware, requestIdMiddleware } from './request-pipeline';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
type Request = Parameters<typeof bodyParserErrorMiddleware>[1];
type Response = Parameters<typeof bodyParserErrorMiddleware>[2];
const noRequest = {} as Request;
const noResponse = {} as Response;

/** Runs the middleware on `error` and returns what it handed to `next`. */
function forwarded(error: unknown): unknown {
  const next = jest.fn();
  bodyParserErrorMiddleware(error, noRequest, noResponse, next);
  expect(next).toHaveBeenCalledTimes(1);
  return next.mock.calls[0][0];
}

describe('bodyParserErrorMiddleware', () => {
  it('turns a JSON parse failure into MALFORMED_JSON', () => {
    const error = forwarded(
      Object.assign(new SyntaxError('Unexpected token } in JSON'), { type: 'entity.parse.failed', status: 400 }),
    );

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'MALFORMED_JSON', status: 400, message: 'Request body is not valid JSON' });
  });

  it('turns an oversized body into PAYLOAD_TOO_LARGE', () => {
    const error = forwarded(
      Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 }),
    );

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it.each(['encoding.unsupported', 'charset.unsupported'])('turns %s into UNSUPPORTED_MEDIA_TYPE', (type) => {
    expect(forwarded({ type, status: 415 })).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });
  });

  it.each([
    ['an error of another type', Object.assign(new Error('aborted'), { type: 'request.aborted' })],
    ['an error without a type', new Error('boom')],
    ['a DomainError', new DomainError('FORBIDDEN', 'no')],
  ])('passes %s on unchanged', (_label, error) => {
    expect(forwarded(error)).toBe(error);
  });
});

describe('requestIdMiddleware', () => {
  it('gives the request an id, echoes it and continues', () => {
    const req = { headers: {}, socket: { remoteAddress: '10.1.2.3' } } as unknown as Parameters<
      typeof requestIdMiddleware
    >[0];
    const setHeader = jest.fn();
    let context: ReturnType<typeof currentRequestContext>;
    const next = jest.fn(() => (context = currentRequestContext()));

    requestIdMiddleware(req, { setHeader } as unknown as Response, next);

    expect(req.id).toMatch(UUID);
    expect(setHeader).toHaveBeenCalledWith('X-Request-Id', req.id);
    expect(next).toHaveBeenCalledWith();
    // The rest of the request runs with its context: the audit trail reads id and address from it.
    expect(context).toEqual({ requestId: req.id, ip: '10.1.2.3' });
  });
});

describe('client address behind a trusted proxy', () => {
  // As main.ts sets it up with TRUST_PROXY: Express derives `ip` from X-Forwarded-For.
  const adapter = new ExpressAdapter();
  adapter.set('trust proxy', true);
  adapter.use(requestIdMiddleware);
  adapter.get('/ip', (_req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ ip: currentRequestContext()?.ip ?? null }));
  });
  const app = adapter.getInstance<Parameters<typeof request>[0]>();
  const addressFor = async (forwardedFor: string) =>
    (await request(app).get('/ip').set('X-Forwarded-For', forwardedFor)).body.ip;

  it.each(['203.0.113.7', '2001:db8::17'])('records a forwarded address %s', async (address) => {
    expect(await addressFor(address)).toBe(address);
  });

  it.each([
    ['a 200-character value', 'x'.repeat(200)],
    ['a long run of digits and dots', '1.'.repeat(100) + '1'],
    ['a host name', 'proxy.example.com'],
    ['an address with a port', '203.0.113.7:443'],
  ])('records no address for %s (it would not fit the audit column or is no address)', async (_label, value) => {
    expect(await addressFor(value)).toBeNull();
  });
});

describe('request pipeline with a real body parser', () => {
  const filter = new ApiExceptionFilter();
  // The same adapter and parser registration main.ts uses, with a tiny limit.
  const adapter = new ExpressAdapter();
  adapter.use(requestIdMiddleware);
  adapter.useBodyParser('json', false, { limit: '64b' });
  adapter.use(bodyParserErrorMiddleware);
  adapter.post('/echo', (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(req.body));
  });
  adapter.use((error: unknown, req: IncomingMessage, res: ServerResponse, next: () => void) => {
    filter.catch(error, new ExecutionContextHost([req, res, next]));
  });
  const app = adapter.getInstance<Parameters<typeof request>[0]>();

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('answers malformed JSON with 400 MALFORMED_JSON and the request id', async () => {
    const response = await request(app)
      .post('/echo')
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'trace-1')
      .send('{"a":');

    expect(response.status).toBe(400);
    expect(response.headers['x-request-id']).toBe('trace-1');
    expect(response.body).toEqual({
      statusCode: 400,
      code: 'MALFORMED_JSON',
      message: 'Request body is not valid JSON',
      requestId: 'trace-1',
    });
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await request(app)
      .post('/echo')
      .send({ text: 'x'.repeat(200) });

    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(response.body.requestId).toMatch(UUID);
    expect(response.headers['x-request-id']).toBe(response.body.requestId);
  });

  it('answers an unsupported charset with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await request(app)
      .post('/echo')
      .set('Content-Type', 'application/json; charset=koi8-r')
      .send('{}');

    expect(response.status).toBe(415);
    expect(response.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('lets a good body through', async () => {
    const response = await request(app).post('/echo').send({ a: 1 });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ a: 1 });
  });
});
