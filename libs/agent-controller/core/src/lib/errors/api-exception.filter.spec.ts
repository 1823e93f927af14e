import {
  ArgumentsHost,
  BadRequestException,
  ForbiddenException,
  InternalServerErrorException,
  Logger,
  MethodNotAllowedException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { ErrorBody } from '@agent-controller/shared-contracts';
import { ApiExceptionFilter } from './api-exception.filter';
import { DomainError, RequestValidationError } from './domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface FakeHttp {
  host: ArgumentsHost;
  statuses: number[];
  bodies: ErrorBody[];
  headers: Record<string, string>;
}

function fakeHttp(
  options: { requestId?: string; headers?: Record<string, string>; headersSent?: boolean; type?: string } = {},
): FakeHttp {
  const statuses: number[] = [];
  const bodies: ErrorBody[] = [];
  const headers: Record<string, string> = {};
  const request = { id: options.requestId, headers: options.headers ?? {} };
  const response = {
    headersSent: options.headersSent ?? false,
    status(code: number) {
      statuses.push(code);
      return response;
    },
    json(body: ErrorBody) {
      bodies.push(body);
      return response;
    },
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
      return response;
    },
  };
  const host = {
    getType: () => options.type ?? 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response, getNext: () => undefined }),
  } as unknown as ArgumentsHost;
  return { host, statuses, bodies, headers };
}

describe('ApiExceptionFilter', () => {
  const filter = new ApiExceptionFilter();
  let loggedErrors: jest.SpyInstance;

  beforeEach(() => {
    loggedErrors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    loggedErrors.mockRestore();
  });

  /** Runs the filter and returns the one answer it wrote. */
  function answer(exception: unknown, requestId = 'req-1'): ErrorBody {
    const http = fakeHttp({ requestId });
    filter.catch(exception, http.host);
    expect(http.bodies).toHaveLength(1);
    expect(http.statuses).toEqual([http.bodies[0].statusCode]);
    return http.bodies[0];
  }

  describe('DomainError', () => {
    it('answers with its status, code, message, details and the request id', () => {
      const body = answer(new DomainError('EMAIL_TAKEN', 'That e-mail is already used', { email: 'a@example.com' }));

      expect(body).toEqual({
        statusCode: 409,
        code: 'EMAIL_TAKEN',
        message: 'That e-mail is already used',
        details: { email: 'a@example.com' },
        requestId: 'req-1',
      });
    });

    it('leaves details out when there are none', () => {
      const body = answer(new DomainError('FORBIDDEN', 'Admins only'));

      expect(body).toEqual({ statusCode: 403, code: 'FORBIDDEN', message: 'Admins only', requestId: 'req-1' });
      expect('details' in body).toBe(false);
    });

    it('passes the bad fields of a validation error', () => {
      const fields = [{ field: 'limit', location: 'query' as const, message: 'Too big' }];
      const body = answer(new RequestValidationError(fields));

      expect(body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: { fields } });
    });

    it('does not log client errors', () => {
      answer(new DomainError('NOT_FOUND', 'No such user'));

      expect(loggedErrors).not.toHaveBeenCalled();
    });
  });

  describe('Nest HTTP exceptions', () => {
    it('maps NotFoundException to 404 NOT_FOUND', () => {
      expect(answer(new NotFoundException())).toEqual({
        statusCode: 404,
        code: 'NOT_FOUND',
        message: 'Not Found',
        requestId: 'req-1',
      });
    });

    it('keeps the message given to the exception', () => {
      expect(answer(new NotFoundException('Cannot GET /api/nowhere')).message).toBe('Cannot GET /api/nowhere');
    });

    it('joins a list of messages', () => {
      expect(answer(new BadRequestException(['first problem', 'second problem']))).toMatchObject({
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: 'first problem; second problem',
      });
    });

    it.each([
      [new ForbiddenException(), 403, 'FORBIDDEN'],
      [new MethodNotAllowedException(), 405, 'METHOD_NOT_ALLOWED'],
      [new ServiceUnavailableException(), 503, 'SERVICE_UNAVAILABLE'],
    ])('maps %p to its status and code', (exception, statusCode, code) => {
      expect(answer(exception)).toMatchObject({ statusCode, code });
    });

    it('maps ThrottlerException to 429 RATE_LIMITED', () => {
      expect(answer(new ThrottlerException())).toEqual({
        statusCode: 429,
        code: 'RATE_LIMITED',
        message: 'Too many requests, slow down',
        requestId: 'req-1',
      });
    });

    it('hides the message of a 5xx HTTP exception', () => {
      const body = answer(new InternalServerErrorException('pool exhausted on db-7'));

      expect(body).toEqual({
        statusCode: 500,
        code: 'INTERNAL_ERROR',
        message: 'Internal server error',
        requestId: 'req-1',
      });
      expect(JSON.stringify(body)).not.toContain('db-7');
    });
  });

  describe('unknown errors', () => {
    it('answers 500 INTERNAL_ERROR with a generic message that does not leak the original', () => {
      const body = answer(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));

      expect(body).toEqual({
        statusCode: 500,
        code: 'INTERNAL_ERROR',
        message: 'Internal server error',
        requestId: 'req-1',
      });
      expect(JSON.stringify(body)).not.toContain('hunter2');
      expect(JSON.stringify(body)).not.toContain('ECONNREFUSED');
    });

    it('logs the original error with the request id', () => {
      const error = new Error('boom');
      answer(error, 'req-42');

      expect(loggedErrors).toHaveBeenCalledTimes(1);
      expect(loggedErrors.mock.calls[0][0]).toEqual({ err: error, requestId: 'req-42' });
    });

    it.each([['a string'], [null], [undefined], [42]])('answers 500 for the thrown value %p', (thrown) => {
      expect(answer(thrown)).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR' });
    });

    it('does not expose a DomainError-like plain object', () => {
      expect(answer({ code: 'NOT_FOUND', status: 404, message: 'x' })).toMatchObject({ statusCode: 500 });
    });
  });

  describe('database outage', () => {
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { outage: true });
    const withCheck = new ApiExceptionFilter((error) => (error as { outage?: boolean })?.outage === true);

    it('answers 503 DATABASE_UNAVAILABLE with Retry-After when the database check recognises the error', () => {
      const http = fakeHttp({ requestId: 'req-db' });
      withCheck.catch(lost, http.host);

      expect(http.statuses).toEqual([503]);
      expect(http.bodies[0]).toEqual({
        statusCode: 503,
        code: 'DATABASE_UNAVAILABLE',
        message: expect.stringContaining('database'),
        details: { retryAfterSeconds: 2 },
        requestId: 'req-db',
      });
      expect(http.headers['retry-after']).toBe('2');
    });

    it('logs an outage as a warning with its cause, not as an unhandled error', () => {
      const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      withCheck.catch(lost, fakeHttp({ requestId: 'req-db' }).host);

      expect(loggedErrors).not.toHaveBeenCalled();
      expect(warned).toHaveBeenCalledWith(
        { requestId: 'req-db', cause: 'Error: Connection terminated unexpectedly' },
        'Database unavailable',
      );
    });

    it('leaves a DomainError as it is, whatever the check says', () => {
      const http = fakeHttp();
      new ApiExceptionFilter(() => true).catch(new DomainError('NOT_FOUND', 'Client not found'), http.host);

      expect(http.statuses).toEqual([404]);
    });

    it('answers 500 for the same error when no check is installed (no database module)', () => {
      const http = fakeHttp();
      filter.catch(lost, http.host);

      expect(http.statuses).toEqual([500]);
      expect(http.bodies[0].code).toBe('INTERNAL_ERROR');
    });
  });

  describe('body parser errors', () => {
    it('answers an exposed 415 with UNSUPPORTED_MEDIA_TYPE and a generic message', () => {
      const error = Object.assign(new Error('unsupported charset "KOI8-R"'), {
        expose: true,
        status: 415,
        type: 'charset.unsupported',
      });

      expect(answer(error)).toEqual({
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'The request body could not be read',
        requestId: 'req-1',
      });
    });

    it('answers an exposed 413 with PAYLOAD_TOO_LARGE', () => {
      expect(answer({ expose: true, status: 413 })).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    });

    it('answers an exposed status without its own code with BAD_REQUEST', () => {
      expect(answer({ expose: true, status: 411 })).toMatchObject({ statusCode: 411, code: 'BAD_REQUEST' });
    });

    it('answers 500 when the error is not marked as exposable', () => {
      expect(answer({ expose: false, status: 400 })).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR' });
    });

    it('answers 500 for an exposed server-side status', () => {
      expect(answer({ expose: true, status: 502 })).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR' });
    });
  });

  describe('request id', () => {
    it('uses the id the request already has', () => {
      const http = fakeHttp({ requestId: 'from-middleware', headers: { 'x-request-id': 'other' } });
      filter.catch(new NotFoundException(), http.host);

      expect(http.bodies[0].requestId).toBe('from-middleware');
    });

    it('adopts a sane incoming X-Request-Id and echoes it when the request has no id yet', () => {
      const http = fakeHttp({ headers: { 'x-request-id': 'client-trace-7' } });
      filter.catch(new NotFoundException(), http.host);

      expect(http.bodies[0].requestId).toBe('client-trace-7');
      expect(http.headers['x-request-id']).toBe('client-trace-7');
    });

    it('makes a UUID and echoes it when there is no id at all', () => {
      const http = fakeHttp();
      filter.catch(new NotFoundException(), http.host);

      expect(http.bodies[0].requestId).toMatch(UUID);
      expect(http.headers['x-request-id']).toBe(http.bodies[0].requestId);
    });
  });

  it('writes nothing once the headers are sent', () => {
    const http = fakeHttp({ requestId: 'req-1', headersSent: true });
    filter.catch(new Error('late failure'), http.host);

    expect(http.statuses).toEqual([]);
    expect(http.bodies).toEqual([]);
  });

  it('rethrows outside HTTP', () => {
    const http = fakeHttp({ type: 'ws' });
    const error = new DomainError('NOT_FOUND', 'x');

    expect(() => filter.catch(error, http.host)).toThrow(error);
    expect(http.bodies).toEqual([]);
  });
});
