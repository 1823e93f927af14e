import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@agent-controller/shared-contracts';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ClientUsageRecorder } from './client-usage.recorder';
import { LATENCY_BOUNDS_MS } from './latency-buckets';
import { ProxyRouteGroup } from './proxy-route-group';

/** One proxied call, as the controller answered it. */
export interface ProxyCall {
  clientId: string;
  routeGroup: ProxyRouteGroup;
  /** The HTTP status the controller answered with. */
  status: number;
  durationMs: number;
  /** The DomainError code of a failed call. */
  errorCode?: ErrorCode;
}

export type ForwardDirection = 'to_remote' | 'to_browser';

function isRemoteCaused(errorCode: ErrorCode | undefined): errorCode is ErrorCode {
  return errorCode?.startsWith('REMOTE_') ?? false;
}

/**
 * An error in the usage view: the controller answered 500 or more, or the remote caused the failure (a REMOTE_*
 * code, which includes a remote's own 4xx, REMOTE_REJECTED). Any other 4xx is the caller's doing, not an error.
 */
export function isUsageError(call: Pick<ProxyCall, 'status' | 'errorCode'>): boolean {
  return call.status >= 500 || isRemoteCaused(call.errorCode);
}

const PREFIX = 'agent_controller_';

/**
 * Prometheus series of the proxy and the gateway, labelled by client id (bounded by the registry) and never by
 * agent id or path. Proxy calls also go to the hourly usage the console shows.
 */
@Injectable()
export class ProxyMetrics {
  private readonly requests: Counter<'client_id' | 'route_group' | 'status_class'>;
  private readonly duration: Histogram<'client_id' | 'route_group'>;
  private readonly remoteErrors: Counter<'client_id' | 'code'>;
  private readonly openSockets: Gauge;
  private readonly remoteLinks: Gauge<'client_id'>;
  private readonly forwardedEvents: Counter<'client_id' | 'direction'>;
  private openSocketCount = 0;
  private readonly linkCounts = new Map<string, number>();

  constructor(
    registry: Registry,
    private readonly usage: ClientUsageRecorder,
  ) {
    const registers = [registry];
    this.requests = new Counter({
      name: `${PREFIX}proxy_requests_total`,
      help: 'Calls proxied to remote agent-managers, by the status class the controller answered with',
      labelNames: ['client_id', 'route_group', 'status_class'],
      registers,
    });
    this.duration = new Histogram({
      name: `${PREFIX}proxy_request_duration_seconds`,
      help: 'Duration of proxied calls, from authorization to the answer',
      labelNames: ['client_id', 'route_group'],
      buckets: LATENCY_BOUNDS_MS.map((bound) => bound / 1000),
      registers,
    });
    this.remoteErrors = new Counter({
      name: `${PREFIX}proxy_remote_errors_total`,
      help: 'Proxied calls that failed because of the remote (REMOTE_* codes)',
      labelNames: ['client_id', 'code'],
      registers,
    });
    this.openSockets = new Gauge({
      name: `${PREFIX}gateway_open_sockets`,
      help: 'Browser Socket.IO connections open on the gateway',
      registers,
    });
    this.remoteLinks = new Gauge({
      name: `${PREFIX}gateway_remote_links`,
      help: 'Socket.IO connections from the gateway to remote agent-managers',
      labelNames: ['client_id'],
      registers,
    });
    this.forwardedEvents = new Counter({
      name: `${PREFIX}gateway_forwarded_events_total`,
      help: 'Socket.IO events relayed by the gateway, by direction',
      labelNames: ['client_id', 'direction'],
      registers,
    });
  }

  recordProxyCall(call: ProxyCall): void {
    const { clientId, routeGroup, status, durationMs, errorCode } = call;
    this.requests.inc({ client_id: clientId, route_group: routeGroup, status_class: `${Math.floor(status / 100)}xx` });
    this.duration.observe({ client_id: clientId, route_group: routeGroup }, durationMs / 1000);
    if (isRemoteCaused(errorCode)) this.remoteErrors.inc({ client_id: clientId, code: errorCode });
    this.usage.record(clientId, durationMs, isUsageError(call));
  }

  socketOpened(): void {
    this.openSockets.set(++this.openSocketCount);
  }

  socketClosed(): void {
    this.openSocketCount = Math.max(0, this.openSocketCount - 1);
    this.openSockets.set(this.openSocketCount);
  }

  remoteLinkOpened(clientId: string): void {
    const count = (this.linkCounts.get(clientId) ?? 0) + 1;
    this.linkCounts.set(clientId, count);
    this.remoteLinks.set({ client_id: clientId }, count);
  }

  /** The last link of a client removes its series, so deleted clients do not linger as zeros. */
  remoteLinkClosed(clientId: string): void {
    const count = (this.linkCounts.get(clientId) ?? 0) - 1;
    if (count > 0) {
      this.linkCounts.set(clientId, count);
      this.remoteLinks.set({ client_id: clientId }, count);
      return;
    }
    this.linkCounts.delete(clientId);
    this.remoteLinks.remove({ client_id: clientId });
  }

  eventForwarded(clientId: string, direction: ForwardDirection): void {
    this.forwardedEvents.inc({ client_id: clientId, direction });
  }
}
