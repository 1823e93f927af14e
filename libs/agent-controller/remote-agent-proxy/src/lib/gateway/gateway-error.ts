import { Logger } from '@nestjs/common';
import { DatabaseUnavailableError, DomainError } from '@agent-controller/core';
import { isDatabaseUnavailable } from '@agent-controller/database';
import { GatewayErrorPayload } from '@agent-controller/shared-contracts';
import { z } from 'zod';

const logger = new Logger('ClientsGateway');

/** A failure as the browser receives it: the remote's failure envelope, marked as the controller's own. */
export function gatewayError(error: unknown, event: string, forwardedEvent?: string): GatewayErrorPayload {
  const base = { success: false as const, source: 'controller' as const, event, forwardedEvent };
  const timestamp = new Date().toISOString();
  if (!(error instanceof DomainError) && isDatabaseUnavailable(error)) {
    logger.warn({ event, cause: String(error) }, 'Database unavailable');
    error = new DatabaseUnavailableError();
  }
  // The message is given twice: inside `error` (the remote's envelope) and at the top, where Agenstra's console reads it.
  if (error instanceof DomainError) {
    return { ...base, message: error.message, error: { code: error.code, message: error.message }, timestamp };
  }
  if (error instanceof z.ZodError) {
    const message = error.issues.map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`).join('; ');
    return { ...base, message, error: { code: 'VALIDATION_FAILED', message }, timestamp };
  }
  logger.error({ err: error, event }, 'Gateway call failed unexpectedly');
  const message = 'Unexpected error';
  return { ...base, message, error: { code: 'INTERNAL_ERROR', message }, timestamp };
}
