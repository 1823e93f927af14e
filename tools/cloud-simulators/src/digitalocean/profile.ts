import { randomUUID } from 'node:crypto';

import { DIGITALOCEAN_ERROR_IDS, type DoError } from '@agent-controller/shared-cloud-contracts';

import { ApiError } from '../core/http';
import type { ProviderProfile } from '../core/provider-app';

export const unprocessable = (message: string): ApiError => new ApiError(422, DIGITALOCEAN_ERROR_IDS[422], message);

export const badRequest = (message: string): ApiError => new ApiError(400, DIGITALOCEAN_ERROR_IDS[400], message);

export const resourceNotFound = (): ApiError =>
  new ApiError(404, DIGITALOCEAN_ERROR_IDS[404], 'The resource you requested could not be found.');

export const digitaloceanProfile: ProviderProfile = {
  provider: 'digitalocean',
  apiPrefix: '/v2',
  requestIdHeader: 'x-request-id',
  newRequestId: () => randomUUID(),
  renderError: (err, requestId): DoError => ({ id: err.code, message: err.message, request_id: requestId }),
  setRateLimitHeaders: (res, state) => {
    res.setHeader('ratelimit-limit', String(state.limit));
    res.setHeader('ratelimit-remaining', String(state.remaining));
    res.setHeader('ratelimit-reset', String(state.reset));
  },
  unauthorized: () => new ApiError(401, DIGITALOCEAN_ERROR_IDS[401], 'Unable to authenticate you.'),
  notFound: resourceNotFound,
  invalidJson: () => badRequest('The request body is not valid JSON.'),
  rateLimited: (state) =>
    new ApiError(
      429,
      DIGITALOCEAN_ERROR_IDS[429],
      'API Rate limit exceeded.',
      null,
      state.retryAfter === undefined ? {} : { 'retry-after': String(state.retryAfter) },
    ),
  serverError: (status) =>
    new ApiError(status, DIGITALOCEAN_ERROR_IDS[500], 'Server was unable to give you a response.'),
};
