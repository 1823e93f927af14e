import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  Type,
} from '@nestjs/common';
import { PARAMTYPES_METADATA } from '@nestjs/common/constants';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestPrincipal } from '@agent-controller/core';
import type { Response } from 'express';
import { AuditedAgentOperation } from './agent-audit';
import { AgentParamsDto, HttpMethod, PROXIED_ROUTES, ProxiedRoute, RouteParams, RouteQuery } from './proxied-routes';
import { relay } from './relay';
import { RemoteAgentsService } from './remote-agents.service';

const ROUTE_DECORATORS: Record<HttpMethod, (path: string) => MethodDecorator> = {
  GET: Get,
  POST: Post,
  PUT: Put,
  PATCH: Patch,
  DELETE: Delete,
};

/**
 * Defines `route` as a controller method, decorated as if written by hand: Nest routes and validates its
 * arguments, OpenAPI documents them. The arguments' places are fixed (principal, params, query, body,
 * response); a route without a query or body leaves its place undecorated, so it is neither read nor documented.
 */
function defineRoute(prototype: object, route: ProxiedRoute): void {
  const handler = {
    // A named method: Nest and OpenAPI know a handler by its name.
    async [route.name](
      this: { agents: RemoteAgentsService },
      principal: RequestPrincipal,
      params: RouteParams,
      query: RouteQuery | undefined,
      body: unknown,
      response: Response,
    ) {
      return relay(response, await this.agents.forward(principal, route, { params, query, body }));
    },
  }[route.name];
  Object.defineProperty(prototype, route.name, { value: handler, writable: true, configurable: true });
  Reflect.defineMetadata(
    PARAMTYPES_METADATA,
    [Object, route.params ?? AgentParamsDto, route.query, route.body, Object],
    prototype,
    route.name,
  );
  // Last place first, as TypeScript applies parameter decorators: OpenAPI lists them in reverse.
  Res({ passthrough: true })(prototype, route.name, 4);
  if (route.body) Body()(prototype, route.name, 3);
  if (route.query) Query()(prototype, route.name, 2);
  Param()(prototype, route.name, 1);
  CurrentPrincipal()(prototype, route.name, 0);
  applyDecorators(
    ROUTE_DECORATORS[route.method](route.path),
    ...(route.audit ? [AuditedAgentOperation(route.audit)] : []),
    ...(route.docs ? [route.docs] : []),
  )(prototype, route.name, Object.getOwnPropertyDescriptor(prototype, route.name) as PropertyDescriptor);
}

/** A controller for some rows of the table of proxied routes, published below `/api/clients/:id`. */
export function proxyController(routes: readonly ProxiedRoute[]): Type<{ agents: RemoteAgentsService }> {
  @ApiTags('agents')
  @ApiBearerAuth()
  @Controller('clients/:id')
  class ProxyController {
    constructor(readonly agents: RemoteAgentsService) {}
  }
  for (const route of routes) defineRoute(ProxyController.prototype, route);
  return ProxyController;
}

// One class per group: the class names are the first half of the OpenAPI operation ids.
export class RemoteEnvironmentController extends proxyController(PROXIED_ROUTES.environment) {}
export class RemoteFilesController extends proxyController(PROXIED_ROUTES.files) {}
export class RemoteVcsController extends proxyController(PROXIED_ROUTES.vcs) {}
export class RemoteDeploymentsController extends proxyController(PROXIED_ROUTES.deployments) {}
