import { Injectable } from '@nestjs/common';
import { RequestPrincipal } from '@agent-controller/core';
import { Client } from '@agent-controller/shared-contracts';
import { ClientAccessPolicy } from './client-access.policy';
import { ClientEntity } from './client.entity';
import { toClientResponse } from './client.mapper';
import { ClientAudience, ClientsRepository } from './clients.repository';

/**
 * Some clients as one fleet event finds them: which still exist, who may see each (the permission policy), and
 * their API view. Read once per event and replica, then asked for every watching socket in memory.
 */
export class FleetView {
  constructor(
    private readonly policy: ClientAccessPolicy,
    private readonly audiences: ReadonlyMap<string, ClientAudience>,
    private readonly rows: ReadonlyMap<string, ClientEntity>,
  ) {}

  /** False for a client deleted by the time the event was read. */
  exists(clientId: string): boolean {
    return this.audiences.has(clientId);
  }

  /** Whether `principal` may see the client now: global admins (and the API-key holder) all, others by relation. */
  sees(principal: RequestPrincipal, clientId: string): boolean {
    const audience = this.audiences.get(clientId);
    return audience !== undefined && this.policy.relationIn(principal, audience, clientId) !== 'none';
  }

  /** The client as `GET /api/clients/:id` answers it to `principal` (when the view was read with rows). */
  client(principal: RequestPrincipal, clientId: string): Client | undefined {
    const client = this.rows.get(clientId);
    const audience = this.audiences.get(clientId);
    if (!client || !audience) return undefined;
    return toClientResponse({ client, relation: this.policy.relationIn(principal, audience, clientId) });
  }
}

/** Reads {@link FleetView}s for the gateway's fleet watchers (DESIGN §8: each replica serves its own sockets). */
@Injectable()
export class FleetVisibility {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly policy: ClientAccessPolicy,
  ) {}

  /** One query for who may see `clientIds`, and one more for their rows when `withRows`. */
  async view(clientIds: string[], { withRows }: { withRows: boolean }): Promise<FleetView> {
    const [audiences, found] = await Promise.all([
      this.clients.findAudiences(clientIds),
      withRows && clientIds.length > 0
        ? this.clients.findManyWithMembership({ kind: 'all' }, null, clientIds)
        : Promise.resolve([]),
    ]);
    const rows = new Map(found.map(({ client }) => [client.id, client]));
    return new FleetView(this.policy, audiences, rows);
  }
}
