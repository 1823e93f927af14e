import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';

/**
 * Who is calling, as every module sees it. The auth module authenticates and attaches it; other modules
 * only read it, so they need not know how authentication works.
 */
export interface RequestPrincipal {
  kind: 'user' | 'api-key';
  isGlobalAdmin: boolean;
  /** The local user's id; null for the API-key holder. */
  userId: string | null;
  email: string | null;
  /** Set when the caller used a scoped API token: it acts as its owner (above), narrowed to this. */
  token?: TokenGrant;
}

/** How far a scoped API token narrows its owner: an access level and, when given, which clients. */
export interface TokenGrant {
  id: string;
  access: 'read' | 'operate' | 'manage';
  /** Each given list narrows further: a client must be in `clientIds`, in one of `teamIds` and match `selector`. */
  clientIds: string[] | null;
  teamIds: string[] | null;
  selector: string | null;
}

export const PUBLIC_ROUTE = 'agent-controller:public-route';

/** The route needs no credentials (health, login, setup). Everything else does: the guard fails closed. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The principal the authentication guard attached to the request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestPrincipal =>
    context.switchToHttp().getRequest<{ user: RequestPrincipal }>().user,
);
