import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { Counter, Registry } from 'prom-client';
import { MetricsService } from './metrics.service';

const TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';
const ADMIN: RequestPrincipal = { kind: 'user', isGlobalAdmin: true, userId: 'u1', email: 'admin@example.com' };
const USER: RequestPrincipal = { ...ADMIN, isGlobalAdmin: false, email: 'user@example.com' };

function setUp(metrics: { enabled?: boolean; token?: string }) {
  const registry = new Registry();
  new Counter({ name: 'probe_total', help: 'probe', registers: [registry] }).inc();
  return new MetricsService(registry, { metrics: { enabled: true, ...metrics } } as never);
}

async function refusal(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('MetricsService with METRICS_TOKEN', () => {
  const service = setUp({ token: TOKEN });

  it('answers the Prometheus text to the bearer of the token', async () => {
    const text = await service.readWithToken(`Bearer ${TOKEN}`);
    expect(text?.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text?.body).toContain('probe_total 1');
    expect(await service.readWithToken(`bearer   ${TOKEN}`)).toBeDefined();
  });

  it.each([
    ['no header', undefined],
    ['another token', 'Bearer metrics-token-0123456789-abcdefghijklmnoX'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, 20)}`],
    ['another scheme', `Basic ${TOKEN}`],
    ['the bare token', TOKEN],
  ])('refuses %s with UNAUTHORIZED', async (_case, authorization) => {
    const error = await refusal(service.readWithToken(authorization));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });
});

describe('MetricsService without a token', () => {
  const service = setUp({});

  it('leaves the decision to authentication (undefined), whatever the header says', async () => {
    await expect(service.readWithToken(undefined)).resolves.toBeUndefined();
    await expect(service.readWithToken('Bearer anything')).resolves.toBeUndefined();
  });

  it('answers a global admin and refuses anyone else with FORBIDDEN', async () => {
    expect((await service.readAsPrincipal(ADMIN)).body).toContain('probe_total 1');
    expect(await refusal(service.readAsPrincipal(USER))).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });
});

describe('MetricsService with METRICS_ENABLED=false', () => {
  it.each([{}, { token: TOKEN }])('is NOT_FOUND for everyone (%o)', async (metrics) => {
    const service = setUp({ ...metrics, enabled: false });
    expect(await refusal(service.readWithToken(`Bearer ${TOKEN}`))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(await refusal(service.readAsPrincipal(ADMIN))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
