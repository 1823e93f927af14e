import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppConfig, appConfig, FleetEvents, RequestPrincipal, VersionedCache } from '@agent-controller/core';
import { Subscription } from 'rxjs';
import { EntityManager } from 'typeorm';
import { ClientAccessPolicy, ClientAction, ClientRelation } from './client-access.policy';
import { ClientEntity } from './client.entity';
import { ClientsRepository, ClientWithMembership } from './clients.repository';

/** A client the caller may act on, and how they relate to it (for per-event checks later). */
export interface ClientGrant {
  /** Read-only: with `authorize` it is shared with other requests through the cache. */
  client: ClientEntity;
  relation: ClientRelation;
}

/** Cache keys: one entry per client and caller (global admins share one, their role on it does not matter). */
const cacheKey = (clientId: string, principal: RequestPrincipal) =>
  `${clientId}|${principal.isGlobalAdmin ? '*' : principal.userId}`;

/**
 * "May this caller do `action` on client X, and what is X (with its remote target's decrypted credentials)?"
 * asked by the proxy, the gateway, metrics and provisioning. A client the caller may not see is 404, a role
 * too short for the action 403.
 *
 * `authorize` answers from an access cache so a warm proxied request needs no database round trip: the client
 * row with its credentials and the caller's membership role, in memory only. Every write that changes them
 * publishes `accessChanged` or `clientChanged` after its commit (on every replica through FleetEvents), which
 * drops the entries; while the bus cannot hear other replicas the cache is emptied and bypassed.
 */
@Injectable()
export class ClientAccess implements OnModuleDestroy {
  private readonly cache: VersionedCache<ClientWithMembership>;
  private readonly subscriptions: Subscription[];

  constructor(
    private readonly clients: ClientsRepository,
    private readonly policy: ClientAccessPolicy,
    events: FleetEvents,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    this.cache = new VersionedCache(config.accessCache);
    const ofClient = (clientId: string) => (key: string) => key.startsWith(`${clientId}|`);
    this.subscriptions = [
      this.cache.trustWhile(events.deliveringChanges()),
      events
        .on('accessChanged')
        .subscribe(({ clientId, userId }) =>
          this.cache.invalidate(userId === undefined ? ofClient(clientId) : (key) => key === `${clientId}|${userId}`),
        ),
      events.on('clientChanged').subscribe(({ clientId }) => this.cache.invalidate(ofClient(clientId))),
      // A deleted user's memberships went with them; a new global role changes which key they use.
      events
        .on('userAccessChanged')
        .subscribe(({ userId }) => this.cache.invalidate((key) => key.endsWith(`|${userId}`))),
    ];
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** The hot path's check, from the cache when it can be trusted; the client comes with its credentials. */
  async authorize(principal: RequestPrincipal, id: string, action: ClientAction): Promise<ClientGrant> {
    // Refuses a non-admin without a user before anything is read.
    this.policy.visibility(principal);
    const found = await this.cache.get(cacheKey(id, principal), () =>
      this.clients.findWithMembership({ kind: 'all' }, principal.userId, id, { withSecrets: true }),
    );
    return this.grant(principal, found, action);
  }

  /** As `authorize`, read from the database now (inside `manager`'s transaction when given): for writes. */
  async authorizeClientAccess(
    principal: RequestPrincipal,
    id: string,
    action: ClientAction,
    options: { manager?: EntityManager; withSecrets?: boolean } = {},
  ): Promise<ClientGrant> {
    const found = await this.clients.findWithMembership(
      this.policy.visibility(principal),
      principal.userId,
      id,
      options,
    );
    return this.grant(principal, found, action);
  }

  /** `authorizeClientAccess`, the client only. */
  async authorizeClient(
    principal: RequestPrincipal,
    id: string,
    action: ClientAction,
    options: { manager?: EntityManager; withSecrets?: boolean } = {},
  ): Promise<ClientEntity> {
    return (await this.authorizeClientAccess(principal, id, action, options)).client;
  }

  private grant(principal: RequestPrincipal, found: ClientWithMembership | null, action: ClientAction): ClientGrant {
    const client = this.policy.authorize(principal, found, action);
    // authorize() refused every caller without a relation, so `found` is there.
    return { client, relation: this.policy.relation(principal, found as ClientWithMembership) };
  }
}
