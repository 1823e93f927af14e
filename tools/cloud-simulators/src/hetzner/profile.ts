import { randomBytes } from 'node:crypto';

import type { HetznerErrorResponse } from '@agent-controller/shared-cloud-contracts';

import { ApiError } from '../core/http';
import type { ProviderProfile } from '../core/provider-app';

export interface FieldError {
  name: string;
  messages: string[];
}

/** 422 `invalid_input` naming the fields, as Hetzner words it. */
export function invalidInput(fields: FieldError[], message?: string): ApiError {
  const names = fields.map((field) => `'${field.name}'`).join(', ');
  return new ApiError(
    422,
    'invalid_input',
    message ?? `invalid input in field${fields.length === 1 ? '' : 's'} ${names}`,
    { fields },
  );
}

export function notFound(resource: string, id: string): ApiError {
  return new ApiError(404, 'not_found', `${resource} with ID '${id}' not found`, {});
}

const SERVER_ERRORS: Record<number, [string, string]> = {
  502: ['bad_gateway', 'bad gateway'],
  503: ['unavailable', 'service unavailable'],
  504: ['timeout', 'timeout'],
};

export const hetznerProfile: ProviderProfile = {
  provider: 'hetzner',
  apiPrefix: '/v1',
  requestIdHeader: 'X-Correlation-Id',
  newRequestId: () => randomBytes(8).toString('hex'),
  renderError: (err): HetznerErrorResponse => ({
    error: { code: err.code, message: err.message, details: err.details },
  }),
  setRateLimitHeaders: (res, state) => {
    res.setHeader('RateLimit-Limit', String(state.limit));
    res.setHeader('RateLimit-Remaining', String(state.remaining));
    res.setHeader('RateLimit-Reset', String(state.reset));
  },
  unauthorized: () => new ApiError(401, 'unauthorized', 'unable to authenticate'),
  readOnly: () => new ApiError(401, 'token_readonly', 'the token is read-only'),
  notFound: () => new ApiError(404, 'not_found', 'not found'),
  invalidJson: () => new ApiError(400, 'json_error', 'invalid JSON in request body'),
  rateLimited: (state) => new ApiError(429, 'rate_limit_exceeded', `limit of ${state.limit} requests per hour reached`),
  serverError: (status) => {
    const [code, message] = SERVER_ERRORS[status] ?? ['server_error', 'internal server error'];
    return new ApiError(status, code, message);
  },
  locked: () => new ApiError(423, 'locked', 'another action is running on the resource'),
};
