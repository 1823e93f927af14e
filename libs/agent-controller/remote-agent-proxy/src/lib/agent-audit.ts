import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditService } from '@agent-controller/audit';
import { DomainError } from '@agent-controller/core';
import type { AuditOutcome } from '@agent-controller/shared-contracts';
import type { Request, Response } from 'express';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';

export const AGENT_AUDIT_ACTION = 'agent-audit-action';

/** Route parameters that name what was changed. Bodies (passwords, env values, file contents) never go in. */
const NAMING_PARAMS = ['agentId', 'envVarId', 'path', 'branch', 'runId'] as const;

/**
 * Marks a proxied route as a change to the fleet: each call leaves one audit row (actor, client, agent,
 * action, outcome), whether the remote did it or not.
 */
export function AuditedAgentOperation(action: string): MethodDecorator {
  return applyDecorators(SetMetadata(AGENT_AUDIT_ACTION, action), UseInterceptors(AgentAuditInterceptor));
}

function namingParams(request: Request, body: unknown): Record<string, string> {
  const named: Record<string, string> = {};
  for (const name of NAMING_PARAMS) {
    const value: unknown = request.params?.[name];
    // A wildcard (`*path`) arrives as its segments.
    if (typeof value === 'string' || Array.isArray(value)) named[name] = [value].flat().join('/').slice(0, 500);
  }
  // Agent create: the new agent's id is in the remote's answer.
  const createdId = (body as { id?: unknown } | null | undefined)?.id;
  if (!named['agentId'] && typeof createdId === 'string') named['agentId'] = createdId;
  return named;
}

function outcomeOf(error: unknown): AuditOutcome {
  return error instanceof DomainError && (error.code === 'FORBIDDEN' || error.code === 'UNAUTHORIZED')
    ? 'denied'
    : 'failure';
}

/** Writes the row once the answer is known; a failed audit write is logged and never changes the answer. */
@Injectable()
export class AgentAuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<string | undefined>(AGENT_AUDIT_ACTION, context.getHandler());
    if (!action) return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const record = (outcome: AuditOutcome, body: unknown, extra: Record<string, unknown>) =>
      this.audit.recordOutsideTransaction({
        action,
        targetType: 'client',
        targetId: typeof request.params?.['id'] === 'string' ? request.params['id'] : null,
        outcome,
        details: { ...namingParams(request, body), ...extra },
      });
    return next.handle().pipe(
      concatMap(async (body: unknown) => {
        await record('success', body, { status: response.statusCode });
        return body;
      }),
      catchError((error: unknown) => {
        // A request refused by validation never reached the operation: nothing was attempted.
        if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') return throwError(() => error);
        const failure =
          error instanceof DomainError ? { status: error.status, errorCode: error.code } : { status: 500 };
        return from(record(outcomeOf(error), undefined, failure)).pipe(concatMap(() => throwError(() => error)));
      }),
    );
  }
}
