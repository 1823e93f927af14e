import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthenticatedPrincipal } from './principal';

export const PUBLIC_ROUTE = 'agent-controller:public-route';

/** The route needs no credentials (health, login, setup). Everything else does: the guard fails closed. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The principal the authentication guard attached to the request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedPrincipal =>
    context.switchToHttp().getRequest<{ user: AuthenticatedPrincipal }>().user,
);
