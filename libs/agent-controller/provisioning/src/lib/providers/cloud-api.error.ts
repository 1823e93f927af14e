import { DomainError } from '@agent-controller/core';
import { ProviderType } from '@agent-controller/shared-contracts';

/**
 * A cloud API call that failed after retries: `rejected` for the cloud's 4xx answers about the request
 * (bad type, no capacity, quota), `unavailable` for 429/5xx/network once retries are spent.
 */
export class CloudApiError extends DomainError {
  constructor(
    readonly provider: ProviderType,
    readonly kind: 'rejected' | 'unavailable' | 'auth',
    message: string,
    readonly cloudStatus?: number,
    readonly cloudCode?: string,
  ) {
    super(kind === 'rejected' ? 'CLOUD_REJECTED' : 'CLOUD_UNAVAILABLE', message, {
      provider,
      ...(cloudStatus === undefined ? {} : { cloudStatus }),
      ...(cloudCode === undefined ? {} : { cloudCode }),
    });
    this.name = 'CloudApiError';
  }
}

/**
 * A request that is not safe to repeat (a create) got no usable answer: a timeout, a broken connection or a
 * 5xx. The cloud may or may not have done it; only a look at the cloud tells (see `createServerOnce`).
 */
export class CloudOutcomeUnknownError extends CloudApiError {
  constructor(provider: ProviderType, message: string, cloudStatus?: number, cloudCode?: string) {
    super(provider, 'unavailable', `${message} (outcome unknown: not sent again)`, cloudStatus, cloudCode);
    this.name = 'CloudOutcomeUnknownError';
  }
}
