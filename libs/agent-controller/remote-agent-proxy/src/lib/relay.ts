import type { Response } from 'express';
import { ProxiedResponse } from './remote-agents.service';

/** Passes the remote's status and body on unchanged (any 2xx is success, contract §4). */
export function relay(response: Response, proxied: ProxiedResponse): unknown {
  response.status(proxied.status);
  return proxied.body;
}
