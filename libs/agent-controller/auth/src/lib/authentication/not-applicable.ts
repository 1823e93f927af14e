import { DomainError } from '@agent-controller/core';
import { AuthenticationMethod } from '@agent-controller/shared-contracts';

/**
 * A route that has no meaning in the configured mode (log-in with Keycloak, setup with an API key). api-key mode
 * keeps its own, older code so existing clients see no change.
 */
export function notApplicableInMode(method: AuthenticationMethod, message: string): DomainError {
  return new DomainError(
    method === 'api-key' ? 'NOT_APPLICABLE_IN_API_KEY_MODE' : 'NOT_APPLICABLE_IN_THIS_MODE',
    message,
  );
}
