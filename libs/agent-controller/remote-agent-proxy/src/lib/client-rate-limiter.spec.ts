import { AppConfig, DomainError } from '@agent-controller/core';
import { ClientRateLimiter } from './client-rate-limiter';

describe('ClientRateLimiter', () => {
  const limiter = new ClientRateLimiter({ remote: { clientRateLimitPerMinute: 2 } } as AppConfig);

  afterAll(() => limiter.onApplicationShutdown());

  it('allows the budget per client and then refuses with CLIENT_RATE_LIMITED and a retry delay', async () => {
    await limiter.consume('a', 'alpha');
    await limiter.consume('a', 'alpha');
    const error = await limiter.consume('a', 'alpha').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'CLIENT_RATE_LIMITED', status: 429 });
    const retryAfter = (error as DomainError).details?.['retryAfterSeconds'] as number;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('counts each client separately', async () => {
    await expect(limiter.consume('b', 'beta')).resolves.toBeUndefined();
  });
});
