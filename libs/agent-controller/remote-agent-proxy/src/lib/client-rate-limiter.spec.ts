import { AppConfig, DomainError, FleetThrottlerStorage, RedisConnection } from '@agent-controller/core';
import { ClientRateLimiter } from './client-rate-limiter';

describe('ClientRateLimiter', () => {
  // Without Redis: this process's counters. (Loading the whole configuration here wrote development secrets
  // into the library's folder.)
  const storage = new FleetThrottlerStorage(new RedisConnection({} as AppConfig));
  const limiter = new ClientRateLimiter({ remote: { clientRateLimitPerMinute: 2 } } as AppConfig, storage);

  it('allows the budget per client and then refuses with CLIENT_RATE_LIMITED and a retry delay', async () => {
    await limiter.consume('a', 'alpha');
    await limiter.consume('a', 'alpha');
    const error = await limiter.consume('a', 'alpha').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'CLIENT_RATE_LIMITED', status: 429 });
    const retryAfter = (error as DomainError).details?.['retryAfterSeconds'] as number;
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('counts each client separately', async () => {
    await expect(limiter.consume('b', 'beta')).resolves.toBeUndefined();
  });
});
