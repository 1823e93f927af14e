import { CallHandler, ExecutionContext, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, Reflector } from '@nestjs/core';
import type { AuditEntry, AuditService } from '@agent-controller/audit';
import { DomainError, RequestValidationError } from '@agent-controller/core';
import { lastValueFrom, of, throwError } from 'rxjs';
import { AGENT_AUDIT_ACTION, AgentAuditInterceptor, AuditedAgentOperation } from './agent-audit';
import {
  RemoteDeploymentsController,
  RemoteEnvironmentController,
  RemoteFilesController,
  RemoteVcsController,
} from './proxy-controllers';
import { RemoteAgentsController } from './remote-agents.controller';

class Routes {
  @AuditedAgentOperation('agent.file.write')
  audited() {
    return undefined;
  }

  notAudited() {
    return undefined;
  }
}

function setUp(handler: keyof Routes, params: Record<string, unknown>, statusCode = 200) {
  const recorded: AuditEntry[] = [];
  const audit = { recordOutsideTransaction: jest.fn(async (entry: AuditEntry) => void recorded.push(entry)) };
  const interceptor = new AgentAuditInterceptor(new Reflector(), audit as unknown as AuditService);
  const context = {
    getHandler: () => Routes.prototype[handler],
    switchToHttp: () => ({ getRequest: () => ({ params }), getResponse: () => ({ statusCode }) }),
  } as unknown as ExecutionContext;
  const run = (answer: CallHandler['handle']) => lastValueFrom(interceptor.intercept(context, { handle: answer }));
  return { recorded, audit, run };
}

const CLIENT = '11111111-1111-4111-8111-111111111111';
const AGENT = '22222222-2222-4222-8222-222222222222';

describe('AgentAuditInterceptor', () => {
  it('records a success with the client, the agent and the names in the path, never the body', async () => {
    const { recorded, run } = setUp('audited', { id: CLIENT, agentId: AGENT, path: ['docs', 'notes.md'] }, 204);

    await expect(run(() => of({ content: 'c2VjcmV0' }))).resolves.toEqual({ content: 'c2VjcmV0' });

    expect(recorded).toEqual([
      {
        action: 'agent.file.write',
        targetType: 'client',
        targetId: CLIENT,
        outcome: 'success',
        details: { agentId: AGENT, path: 'docs/notes.md', status: 204 },
      },
    ]);
  });

  it("takes a created agent's id from the answer (its password is not recorded)", async () => {
    const { recorded, run } = setUp('audited', { id: CLIENT }, 201);
    await run(() => of({ id: AGENT, name: 'worker', password: 'one-time' }));
    expect(recorded[0].details).toEqual({ agentId: AGENT, status: 201 });
    expect(JSON.stringify(recorded)).not.toContain('one-time');
  });

  it('records a failure with its status and code and passes the error on unchanged', async () => {
    const { recorded, run } = setUp('audited', { id: CLIENT, agentId: AGENT });
    const error = new DomainError('REMOTE_UNREACHABLE', 'Connection refused');

    await expect(run(() => throwError(() => error))).rejects.toBe(error);

    expect(recorded).toEqual([
      expect.objectContaining({
        outcome: 'failure',
        details: { agentId: AGENT, status: 502, errorCode: 'REMOTE_UNREACHABLE' },
      }),
    ]);
  });

  it('records a refusal as denied, and an unexpected error as a 500 failure', async () => {
    const { recorded, run } = setUp('audited', { id: CLIENT, agentId: AGENT });
    await expect(run(() => throwError(() => new DomainError('FORBIDDEN', 'no')))).rejects.toThrow('no');
    await expect(run(() => throwError(() => new TypeError('bug')))).rejects.toThrow('bug');
    expect(recorded.map((entry) => [entry.outcome, entry.details?.['status']])).toEqual([
      ['denied', 403],
      ['failure', 500],
    ]);
  });

  it('records nothing for a request refused by validation (nothing was attempted) or an unmarked route', async () => {
    const invalid = setUp('audited', { id: CLIENT, agentId: AGENT });
    const error = new RequestValidationError([{ field: 'name', location: 'body', message: 'Required' }]);
    await expect(invalid.run(() => throwError(() => error))).rejects.toBe(error);
    const unmarked = setUp('notAudited', { id: CLIENT, agentId: AGENT });
    await unmarked.run(() => of('ok'));
    expect(invalid.audit.recordOutsideTransaction).not.toHaveBeenCalled();
    expect(unmarked.audit.recordOutsideTransaction).not.toHaveBeenCalled();
  });

  it('marks every route that changes an agent: each non-GET proxied route has an audit action', () => {
    const unmarked: string[] = [];
    const actions: string[] = [];
    for (const controller of [
      RemoteAgentsController,
      RemoteEnvironmentController,
      RemoteFilesController,
      RemoteVcsController,
      RemoteDeploymentsController,
    ]) {
      // Inherited too: the table's routes are methods of the class each controller extends.
      for (const name of new MetadataScanner().getAllMethodNames(controller.prototype)) {
        const handler: unknown = (controller.prototype as unknown as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
        if (method === undefined || method === RequestMethod.GET) continue;
        const action: string | undefined = Reflect.getMetadata(AGENT_AUDIT_ACTION, handler);
        if (action) actions.push(action);
        else unmarked.push(`${controller.name}.${name}`);
      }
    }
    expect(unmarked).toEqual([]);
    expect(actions.length).toBe(32);
    expect(new Set(actions).size).toBe(actions.length);
  });
});
