import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig, DomainError } from '@agent-controller/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { API_KEY_PRINCIPAL, AuthenticatedPrincipal } from './principal';

const SCHEMES = new Set(['bearer', 'apikey']);

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** `api-key` mode: `Authorization: Bearer <key>` or `ApiKey <key>`; the holder is a global admin. */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly expected: Buffer;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.expected = digest(config.auth.staticApiKey ?? '');
  }

  authenticate(authorization: string | undefined): AuthenticatedPrincipal {
    if (!authorization) throw new DomainError('UNAUTHORIZED', 'Missing Authorization header');
    const match = /^(\S+) +(\S+)$/.exec(authorization.trim());
    if (!match || !SCHEMES.has(match[1].toLowerCase())) {
      throw new DomainError('UNAUTHORIZED', 'Authorization header must be "Bearer <api key>" or "ApiKey <api key>"');
    }
    // Equal-length digests make the comparison constant-time whatever the key's length.
    if (!timingSafeEqual(digest(match[2]), this.expected)) {
      throw new DomainError('UNAUTHORIZED', 'Invalid API key');
    }
    return API_KEY_PRINCIPAL;
  }
}
