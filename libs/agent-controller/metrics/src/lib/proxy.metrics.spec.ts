import { Registry } from 'prom-client';
import { ErrorCode } from '@agent-controller/shared-contracts';
import { isUsageError, ProxyCall, ProxyMetrics } from './proxy.metrics';

const A = '0b7c5a8e-1f7e-4c1e-9d55-0a4a4b0f5b11';
const B = '9f3e1d2c-4b5a-4687-9a8b-7c6d5e4f3a21';

/** A failed call of client A to its agents, taking 1 ms. */
function failedCall(status: number, errorCode: ErrorCode): ProxyCall {
  return { clientId: A, routeGroup: 'agents', status, durationMs: 1, errorCode };
}

function setUp() {
  const registry = new Registry();
  const usage = { record: jest.fn() };
  return { registry, usage, metrics: new ProxyMetrics(registry, usage as never) };
}

/** The samples of one metric as `{labels: value}` pairs, e.g. `{'client_id=a,direction=to_remote': 2}`. */
async function samples(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return Object.fromEntries(
    values.map(({ labels, value, ...rest }) => [
      [
        // Histogram samples name their part: `<name>_bucket`, `_sum`, `_count`.
        ...('metricName' in rest ? [String(rest.metricName).slice(name.length + 1)] : []),
        ...Object.entries(labels).map(([key, label]) => `${key}=${label}`),
      ].join(','),
      value,
    ]),
  );
}

describe('ProxyMetrics', () => {
  it('counts proxied calls by client, route group and status class', async () => {
    const { registry, metrics } = setUp();
    metrics.recordProxyCall({ clientId: A, routeGroup: 'agents', status: 200, durationMs: 12 });
    metrics.recordProxyCall({ clientId: A, routeGroup: 'agents', status: 201, durationMs: 12 });
    metrics.recordProxyCall(failedCall(502, 'REMOTE_ERROR'));
    metrics.recordProxyCall({
      clientId: B,
      routeGroup: 'files',
      status: 404,
      durationMs: 5,
      errorCode: 'REMOTE_REJECTED',
    });

    expect(await samples(registry, 'agent_controller_proxy_requests_total')).toEqual({
      [`client_id=${A},route_group=agents,status_class=2xx`]: 2,
      [`client_id=${A},route_group=agents,status_class=5xx`]: 1,
      [`client_id=${B},route_group=files,status_class=4xx`]: 1,
    });
  });

  it('observes durations in seconds in the latency buckets', async () => {
    const { registry, metrics } = setUp();
    metrics.recordProxyCall({ clientId: A, routeGroup: 'vcs', status: 200, durationMs: 40 });
    metrics.recordProxyCall({ clientId: A, routeGroup: 'vcs', status: 200, durationMs: 2000 });

    const histogram = await samples(registry, 'agent_controller_proxy_request_duration_seconds');
    expect(histogram[`bucket,le=0.05,client_id=${A},route_group=vcs`]).toBe(1);
    expect(histogram[`bucket,le=2.5,client_id=${A},route_group=vcs`]).toBe(2);
    expect(histogram[`bucket,le=+Inf,client_id=${A},route_group=vcs`]).toBe(2);
    expect(histogram[`sum,client_id=${A},route_group=vcs`]).toBeCloseTo(2.04);
    expect(histogram[`count,client_id=${A},route_group=vcs`]).toBe(2);
  });

  it('counts remote-caused failures by code, and nothing else', async () => {
    const { registry, metrics } = setUp();
    for (const errorCode of ['REMOTE_TIMEOUT', 'REMOTE_TIMEOUT', 'REMOTE_UNREACHABLE', 'REMOTE_REJECTED'] as const) {
      metrics.recordProxyCall(failedCall(504, errorCode));
    }
    metrics.recordProxyCall(failedCall(429, 'CLIENT_RATE_LIMITED'));
    metrics.recordProxyCall(failedCall(409, 'CLIENT_INACTIVE'));
    metrics.recordProxyCall(failedCall(500, 'INTERNAL_ERROR'));

    expect(await samples(registry, 'agent_controller_proxy_remote_errors_total')).toEqual({
      [`client_id=${A},code=REMOTE_TIMEOUT`]: 2,
      [`client_id=${A},code=REMOTE_UNREACHABLE`]: 1,
      [`client_id=${A},code=REMOTE_REJECTED`]: 1,
    });
  });

  it('passes each call on to the hourly usage, with whether it counts as an error', () => {
    const { metrics, usage } = setUp();
    metrics.recordProxyCall({ clientId: A, routeGroup: 'agents', status: 200, durationMs: 12 });
    metrics.recordProxyCall({ ...failedCall(504, 'REMOTE_TIMEOUT'), durationMs: 30 });
    metrics.recordProxyCall(failedCall(429, 'CLIENT_RATE_LIMITED'));

    expect(usage.record.mock.calls).toEqual([
      [A, 12, false],
      [A, 30, true],
      [A, 1, false],
    ]);
  });

  it('tracks open browser sockets, never below zero', async () => {
    const { registry, metrics } = setUp();
    metrics.socketOpened();
    metrics.socketOpened();
    metrics.socketClosed();
    expect(await samples(registry, 'agent_controller_gateway_open_sockets')).toEqual({ '': 1 });
    metrics.socketClosed();
    metrics.socketClosed();
    expect(await samples(registry, 'agent_controller_gateway_open_sockets')).toEqual({ '': 0 });
  });

  it("tracks remote links per client and drops a client's series with its last link", async () => {
    const { registry, metrics } = setUp();
    metrics.remoteLinkOpened(A);
    metrics.remoteLinkOpened(A);
    metrics.remoteLinkOpened(B);
    metrics.remoteLinkClosed(A);
    expect(await samples(registry, 'agent_controller_gateway_remote_links')).toEqual({
      [`client_id=${A}`]: 1,
      [`client_id=${B}`]: 1,
    });
    metrics.remoteLinkClosed(B);
    metrics.remoteLinkClosed(B);
    expect(await samples(registry, 'agent_controller_gateway_remote_links')).toEqual({ [`client_id=${A}`]: 1 });
  });

  it('counts forwarded events per client and direction', async () => {
    const { registry, metrics } = setUp();
    metrics.eventForwarded(A, 'to_remote');
    metrics.eventForwarded(A, 'to_browser');
    metrics.eventForwarded(A, 'to_browser');

    expect(await samples(registry, 'agent_controller_gateway_forwarded_events_total')).toEqual({
      [`client_id=${A},direction=to_remote`]: 1,
      [`client_id=${A},direction=to_browser`]: 2,
    });
  });

  it('keeps registries apart, so each test (and app) has its own series', async () => {
    const first = setUp();
    const second = setUp();
    first.metrics.eventForwarded(A, 'to_remote');

    expect(await samples(second.registry, 'agent_controller_gateway_forwarded_events_total')).toEqual({});
    expect(await first.registry.metrics()).toContain(
      `agent_controller_gateway_forwarded_events_total{client_id="${A}",direction="to_remote"} 1`,
    );
  });
});

describe('isUsageError', () => {
  it.each([
    [200, undefined, false],
    [400, 'VALIDATION_FAILED', false],
    [409, 'CLIENT_INACTIVE', false],
    [429, 'CLIENT_RATE_LIMITED', false],
    [404, 'REMOTE_REJECTED', true],
    [500, 'INTERNAL_ERROR', true],
    [502, 'REMOTE_ERROR', true],
    [504, 'REMOTE_TIMEOUT', true],
  ] as const)('status %s with %s is an error: %s', (status, errorCode, expected) => {
    expect(isUsageError({ status, errorCode })).toBe(expected);
  });
});
