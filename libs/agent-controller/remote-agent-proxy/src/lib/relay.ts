import type { Response } from 'express';
import { ProxiedResponse } from './remote-agents.service';

/**
 * Passes the remote's status and JSON on unchanged (any 2xx is success, contract §4): the text it sent,
 * already checked, so a large answer (a file, a long list) is not serialised a second time.
 */
export function relay(response: Response, proxied: ProxiedResponse): string | undefined {
  response.status(proxied.status);
  if (proxied.json === '') return undefined;
  response.type('application/json');
  return proxied.json;
}
