import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestPrincipal } from './request-principal';

/** What the audit trail needs to know about the request a change happens in. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  principal?: RequestPrincipal;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` (the rest of the request) with its context available to any code it calls. */
export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Called by the authentication guard once it knows who is calling. */
export function setRequestPrincipal(principal: RequestPrincipal): void {
  const context = storage.getStore();
  if (context) context.principal = principal;
}
