import type { Response } from 'express';

import type { Faults } from './faults';
import type { ProviderProfile } from './provider-app';

/**
 * Fault `createAnswerLostNext`, applied once the server is stored: the client never learns that it exists.
 * Closes the connection without a response, or throws the configured 5xx. Returns true when the answer is lost.
 */
export function loseCreateAnswer(res: Response, faults: Faults, profile: ProviderProfile): boolean {
  if (!faults.take('createAnswerLostNext')) return false;
  const status = faults.current.createAnswerLostStatus;
  if (status >= 500) throw profile.serverError(status);
  res.destroy();
  return true;
}
