import { INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { AuditService } from '@agent-controller/audit';
import { ApiExceptionFilter, RequestPrincipal, ZodRequestValidationPipe } from '@agent-controller/core';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { AgentAuditInterceptor } from './agent-audit';
import { PROXIED_ROUTES, ProxiedRoute } from './proxied-routes';
import {
  RemoteDeploymentsController,
  RemoteEnvironmentController,
  RemoteFilesController,
  RemoteVcsController,
} from './proxy-controllers';
import { RemoteAgentsController } from './remote-agents.controller';
import { RemoteAgentsService } from './remote-agents.service';

const PRINCIPAL: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: true, userId: null, email: null };
const CLIENT_ID = '0b5f8a3e-2d6c-4e1a-9f7b-3c2d1e0f9a8b';
const AGENT_ID = '6e2c9d41-7a3b-4f5e-8d1c-2b9a0e7f6c54';
const ENV_VAR_ID = 'd3a1f7c2-5b8e-4c9d-a6f0-1e2b3c4d5e6f';

/** Valid values of each path parameter, and what validation makes of them. */
const PARAMS: Record<string, [string, unknown]> = {
  id: [CLIENT_ID, CLIENT_ID],
  agentId: [AGENT_ID, AGENT_ID],
  envVarId: [ENV_VAR_ID, ENV_VAR_ID],
  branch: ['main', 'main'],
  repositoryId: ['42', '42'],
  runId: ['7', '7'],
  jobId: ['8', '8'],
  path: ['src/app.ts', ['src', 'app.ts']],
};

/** A valid body for each route that takes one. */
const BODIES: Record<string, unknown> = {
  updateAgent: { name: 'renamed' },
  createEnvironmentVariable: { variable: 'HOME', content: '/root' },
  updateEnvironmentVariable: { variable: 'HOME', content: '/srv' },
  writeFile: { content: 'x' },
  createFile: { type: 'file' },
  moveFile: { destination: 'src/b.ts' },
  stageFiles: { files: ['a'] },
  unstageFiles: {},
  commit: { message: 'Fix' },
  push: { force: false },
  rebase: { branch: 'main' },
  prepareCleanWorkspace: { baseBranch: 'main' },
  createBranch: { name: 'feature' },
  resolveConflict: { path: 'a', strategy: 'mine' },
  verifyCommands: { commands: [{ cmd: 'npm test' }] },
  saveConfiguration: { repositoryId: 'org/repo', providerToken: 't' },
  triggerWorkflow: { workflowId: 'ci', ref: 'main' },
};

/** The query of each route that needs one. */
const QUERIES: Record<string, string> = { getDiff: '?path=src/app.ts' };

const CONTROLLERS = [
  [RemoteAgentsController, PROXIED_ROUTES.agents],
  [RemoteEnvironmentController, PROXIED_ROUTES.environment],
  [RemoteFilesController, PROXIED_ROUTES.files],
  [RemoteVcsController, PROXIED_ROUTES.vcs],
  [RemoteDeploymentsController, PROXIED_ROUTES.deployments],
] as const;
const ROWS = CONTROLLERS.flatMap(([controller, routes]) =>
  (routes as readonly ProxiedRoute[]).map((route) => ({ controller: controller.name, route })),
);

/** The published URL of a route, with the given value for one parameter. */
function urlOf(route: ProxiedRoute, override: Record<string, string> = {}): string {
  const values = { ...Object.fromEntries(Object.entries(PARAMS).map(([name, [raw]]) => [name, raw])), ...override };
  const path = route.path.replace(/[:*](\w+)/g, (_match, name: string) => values[name]);
  return `/api/clients/${values['id']}${path}${QUERIES[route.name] ?? ''}`;
}

describe('the proxy controllers', () => {
  let app: INestApplication;
  const forward = jest.fn();
  const audit = { recordOutsideTransaction: jest.fn() };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: CONTROLLERS.map(([controller]) => controller),
      providers: [
        { provide: RemoteAgentsService, useValue: { forward } },
        { provide: AuditService, useValue: audit },
        { provide: APP_PIPE, useClass: ZodRequestValidationPipe },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        AgentAuditInterceptor,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.setGlobalPrefix('api');
    app.use((req: Request & { user?: RequestPrincipal }, _res: Response, next: NextFunction) => {
      req.user = PRINCIPAL;
      next();
    });
    await app.init();
  });

  afterAll(() => app.close());

  beforeEach(() => {
    forward.mockReset().mockResolvedValue({ status: 202, json: '{"relayed":true}', body: { relayed: true } });
    audit.recordOutsideTransaction.mockReset();
  });

  it.each(ROWS.map(({ controller, route }) => [controller, route.name, route]))(
    '%s.%s validates its arguments, forwards its row and relays the answer',
    async (_controller, name, route) => {
      const body = BODIES[name];
      const response = await request(app.getHttpServer())
        [route.method.toLowerCase() as 'get'](urlOf(route))
        .send(body as object);

      expect({ status: response.status, body: response.body }).toEqual({ status: 202, body: { relayed: true } });
      expect(forward).toHaveBeenCalledTimes(1);
      const [principal, forwardedRoute, forwarded] = forward.mock.calls[0];
      expect(principal).toBe(PRINCIPAL);
      expect(forwardedRoute).toBe(route);
      const names = ['id', ...[...route.path.matchAll(/[:*](\w+)/g)].map((match) => match[1])];
      expect(forwarded.params).toEqual(Object.fromEntries(names.map((param) => [param, PARAMS[param][1]])));
      // The query is the DTO's output (defaults filled in); a route without one reads none.
      expect(forwarded.query === undefined).toBe(route.query === undefined);
      expect(forwarded.body).toEqual(body);
      expect(audit.recordOutsideTransaction.mock.calls.map(([entry]) => entry.action)).toEqual(
        route.audit ? [route.audit] : [],
      );
    },
  );

  it.each(ROWS.map(({ controller, route }) => [controller, route.name, route]))(
    '%s.%s refuses a bad client id with a 400 naming the field, without forwarding',
    async (_controller, name, route) => {
      const response = await request(app.getHttpServer())
        [route.method.toLowerCase() as 'get'](urlOf(route, { id: 'not-a-uuid' }))
        .send(BODIES[name] as object);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { fields: [expect.objectContaining({ field: 'id', location: 'param' })] },
      });
      expect(forward).not.toHaveBeenCalled();
    },
  );

  it('relays the JSON as the remote sent it, and no body when it sent none', async () => {
    const [status, start] = ['getVcsStatus', 'startAgent'].map((name) => ROWS.find(({ route }) => route.name === name));
    const sent = '{ "clean": false,\n  "files": ["a.ts"] }';
    forward.mockResolvedValueOnce({ status: 200, json: sent, body: JSON.parse(sent) });
    const relayed = await request(app.getHttpServer()).get(urlOf(status?.route as ProxiedRoute));
    expect([relayed.status, relayed.headers['content-type'], relayed.text]).toEqual([
      200,
      'application/json; charset=utf-8',
      sent,
    ]);
    forward.mockResolvedValueOnce({ status: 204, json: '', body: undefined });
    const empty = await request(app.getHttpServer()).post(urlOf(start?.route as ProxiedRoute));
    expect([empty.status, empty.text]).toEqual([204, '']);
  });

  it('refuses a body field the route does not know, naming it', async () => {
    const commit = PROXIED_ROUTES.vcs.find((route) => route.name === 'commit') as ProxiedRoute;
    const response = await request(app.getHttpServer()).post(urlOf(commit)).send({ message: 'm', amend: true });
    expect(response.status).toBe(400);
    expect(response.body.details.fields).toEqual([{ field: 'amend', location: 'body', message: 'unknown field' }]);
    expect(forward).not.toHaveBeenCalled();
  });

  it('answers 404 for a path or method the table does not have', async () => {
    const agent = `/api/clients/${CLIENT_ID}/agents/${AGENT_ID}`;
    for (const [method, url] of [
      ['get', `${agent}/unknown`],
      ['patch', `${agent}/vcs/status`],
      ['get', `${agent}/vcs/commit`],
    ] as const) {
      expect((await request(app.getHttpServer())[method](url)).status).toBe(404);
    }
    expect(forward).not.toHaveBeenCalled();
  });

  it('documents every row under its own operation id, with its parameters and body', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    for (const { controller, route } of ROWS) {
      const path = `/api/clients/{id}${route.path.replace(/[:*](\w+)/g, '{$1}')}`;
      const operation = document.paths[path]?.[route.method.toLowerCase() as 'get'];
      expect(operation?.operationId).toBe(`${controller}_${route.name}`);
      expect(operation?.tags).toEqual(['agents']);
      const names = ['id', ...[...route.path.matchAll(/[:*](\w+)/g)].map((match) => match[1])];
      expect(operation?.parameters?.filter((parameter) => 'in' in parameter && parameter.in === 'path')).toEqual(
        names.map((name) => expect.objectContaining({ name, in: 'path' })),
      );
      expect(operation?.requestBody !== undefined).toBe(route.body !== undefined);
    }
  });
});
