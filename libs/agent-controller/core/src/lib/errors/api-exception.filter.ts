import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger, Optional } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { ErrorBody, ErrorCode } from '@agent-controller/shared-contracts';
import type { Request, Response } from 'express';
import { assignRequestId } from '../logging/logger.module';
import { DATABASE_OUTAGE_CHECK, DatabaseOutageCheck, DatabaseUnavailableError } from './database-unavailable';
import { DomainError } from './domain-error';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Errors raised by Express middleware (body parser) that are safe to show. */
interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** The one place that turns any thrown value into the API's error body. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  constructor(
    @Optional() @Inject(DATABASE_OUTAGE_CHECK) private readonly isDatabaseOutage: DatabaseOutageCheck = () => false,
  ) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw thrown;
    const exception = this.asDatabaseUnavailable(thrown);
    const request = host.switchToHttp().getRequest<Request & { id?: string }>();
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception, request.id ?? assignRequestId(request, response));
    const retryAfter = (exception as DomainError)?.details?.['retryAfterSeconds'];
    if (typeof retryAfter === 'number' && !response.headersSent) response.setHeader('Retry-After', String(retryAfter));
    if (exception instanceof DatabaseUnavailableError) {
      // An outage is the server's state, not a bug: one line per request, the driver's words, no stack.
      this.logger.warn({ requestId: body.requestId, cause: String(thrown) }, 'Database unavailable');
    } else if (body.statusCode === 503) {
      // Deliberately unavailable (e.g. readiness while the database is away): worth a warning, not a stack trace.
      this.logger.warn({ requestId: body.requestId, cause: String(thrown) }, 'Service unavailable');
    } else if (body.statusCode >= 500 && body.statusCode !== 501) {
      // 501 is a deliberate answer (a route kept for compatibility without its feature), not a failure.
      this.logger.error({ err: exception, requestId: body.requestId }, 'Unhandled error');
    }
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  private asDatabaseUnavailable(exception: unknown): unknown {
    if (exception instanceof DomainError || exception instanceof HttpException) return exception;
    return this.isDatabaseOutage(exception) ? new DatabaseUnavailableError() : exception;
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        code: exception.code,
        message: exception.message,
        ...(exception.details ? { details: exception.details } : {}),
        requestId,
      };
    }
    if (exception instanceof ThrottlerException) {
      return { statusCode: 429, code: 'RATE_LIMITED', message: 'Too many requests, slow down', requestId };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const code = CODE_BY_STATUS[statusCode] ?? (statusCode >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
      const message =
        statusCode >= 500 ? 'Internal server error' : (messageOf(exception.getResponse()) ?? exception.message);
      return { statusCode, code, message, requestId };
    }
    const parserError = exception as BodyParserError;
    if (parserError?.expose && parserError.status && parserError.status < 500) {
      const statusCode = parserError.status;
      return {
        statusCode,
        code: CODE_BY_STATUS[statusCode] ?? 'BAD_REQUEST',
        message: 'The request body could not be read',
        requestId,
      };
    }
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', requestId };
  }
}

function messageOf(response: string | object): string | undefined {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return undefined;
}
