import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig, DomainError } from '@agent-controller/core';
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { RemoteCallError } from './remote-call.error';

/** Addresses a controller must not be steered to: loopback, private, link-local, CGNAT, unspecified, multicast. */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  // Deprecated IPv4-compatible addresses (::a.b.c.d).
  ['::', 96],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}

/** True for internal targets, including IPv4 addresses written as IPv4-mapped IPv6 (`::ffff:127.0.0.1`). */
export function isInternalAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return INTERNAL.check(address, 'ipv4');
  if (version !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1], 'ipv4');
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hexMapped) {
    const value = (Number.parseInt(hexMapped[1], 16) << 16) | Number.parseInt(hexMapped[2], 16);
    return INTERNAL.check([24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.'), 'ipv4');
  }
  return INTERNAL.check(address, 'ipv6');
}

/** The address a call goes to: the one that was checked, so DNS cannot change between check and connect. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** The body fields that hold a URL the controller will call: the remote's API, its Keycloak server, a webhook. */
export type EndpointField = 'endpoint' | 'keycloakAuthServerUrl' | 'defaults.keycloakAuthServerUrl' | 'url';

function endpointError(message: string, field: EndpointField): DomainError {
  return new DomainError('ENDPOINT_NOT_ALLOWED', message, {
    fields: [{ field, location: 'body', message }],
  });
}

// Brackets of IPv6 literals and a trailing root dot (`localhost.`) do not change where a name points.
const hostOf = (url: URL) =>
  url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

/**
 * How long a name's DNS answer is reused. Without it every proxied call waits for a lookup in libuv's small thread
 * pool; with it a changed answer (a rebinding attempt included) is seen within this time, and every call still
 * checks the addresses it would connect to.
 */
const DNS_ANSWER_MS = 10_000;
/** Names remembered at most (the oldest go first): about one per remote. */
const DNS_ANSWERS_MAX = 10_000;

/** Where the controller may send requests: checked when an endpoint is saved and again on every call. */
@Injectable()
export class EndpointPolicy {
  private readonly answers = new Map<string, { until: number; addresses: Promise<LookupAddress[]> }>();

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  /**
   * Validates and normalises a URL the controller will call, for storage (no trailing slash). Throws a 400
   * naming `field`: the same rules hold for a remote's endpoint and for its Keycloak server.
   */
  normalizeEndpoint(raw: string, field: EndpointField = 'endpoint'): string {
    const refuse = (message: string) => endpointError(`${field} ${message}`, field);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refuse('must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('must use http or https');
    if (url.username || url.password) throw refuse('must not contain credentials');
    if (url.search || url.hash || raw.includes('?') || raw.includes('#')) {
      throw refuse('must not have a query or fragment');
    }
    this.checkHostName(hostOf(url), field);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }

  /**
   * `normalizeEndpoint`, then the host's current DNS answer: a name that resolves to an internal address is
   * refused when saved, not only when used. A failing lookup is left to the connection check (DNS may be down).
   */
  async checkEndpoint(raw: string, field: EndpointField = 'endpoint'): Promise<string> {
    const endpoint = this.normalizeEndpoint(raw, field);
    try {
      await this.resolve(new URL(endpoint));
    } catch (error) {
      if (error instanceof RemoteCallError && error.kind === 'blocked') throw endpointError(error.reason, field);
    }
    return endpoint;
  }

  /** Host rules that need no DNS: the allow-list and literal internal addresses. */
  private checkHostName(host: string, field: EndpointField = 'endpoint'): void {
    const allowed = this.config.clients.endpointAllowedHosts;
    if (allowed.length > 0 && !allowed.some((pattern) => matchesHost(pattern, host))) {
      throw endpointError(`host ${host} is not in CLIENT_ENDPOINT_ALLOWED_HOSTS`, field);
    }
    if (this.config.clients.allowInternalHosts) return;
    const literal = isIP(host) !== 0;
    if ((literal && isInternalAddress(host)) || host === 'localhost' || host.endsWith('.localhost')) {
      throw endpointError(`host ${host} is an internal address`, field);
    }
  }

  /** Resolves the host of a stored endpoint and checks every address it resolves to, at call time. */
  async resolve(url: URL): Promise<ResolvedAddress> {
    const host = hostOf(url);
    try {
      this.checkHostName(host);
    } catch (error) {
      throw new RemoteCallError('blocked', (error as Error).message);
    }
    const literal = isIP(host);
    const addresses = literal
      ? [{ address: host, family: literal }]
      : await this.lookupAll(host).catch((error: NodeJS.ErrnoException) => {
          throw new RemoteCallError('dns', `DNS lookup of ${host} failed (${error.code ?? 'error'})`);
        });
    if (addresses.length === 0) throw new RemoteCallError('dns', `DNS lookup of ${host} returned no address`);
    if (!this.config.clients.allowInternalHosts) {
      const internal = addresses.find((entry) => isInternalAddress(entry.address));
      if (internal)
        throw new RemoteCallError('blocked', `host ${host} resolves to the internal address ${internal.address}`);
    }
    const first = addresses[0];
    return { address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  /** The host's addresses: one lookup for concurrent and recent callers; a failed lookup is not remembered. */
  private lookupAll(host: string): Promise<LookupAddress[]> {
    const now = Date.now();
    const remembered = this.answers.get(host);
    if (remembered && remembered.until > now) return remembered.addresses;
    this.answers.delete(host);
    if (this.answers.size >= DNS_ANSWERS_MAX) this.answers.delete(this.answers.keys().next().value as string);
    const addresses = lookup(host, { all: true, verbatim: true });
    this.answers.set(host, { until: now + DNS_ANSWER_MS, addresses });
    addresses.catch(() => {
      if (this.answers.get(host)?.addresses === addresses) this.answers.delete(host);
    });
    return addresses;
  }
}

function matchesHost(pattern: string, host: string): boolean {
  return pattern.startsWith('*.')
    ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
    : pattern === host;
}
