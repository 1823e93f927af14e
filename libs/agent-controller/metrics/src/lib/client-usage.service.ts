import { Injectable } from '@nestjs/common';
import { ClientAccess, ClientAccessPolicy } from '@agent-controller/clients';
import { RequestPrincipal } from '@agent-controller/core';
import { ClientUsage, TopUsage, TopUsageQuery } from '@agent-controller/shared-contracts';
import { toClientUsageResponse, toTopUsageResponse, usageWindowStart } from './client-usage.mapper';
import { ClientUsageRepository } from './client-usage.repository';

/** Usage over time for the console, from the database: the same answer from every replica. */
@Injectable()
export class ClientUsageService {
  constructor(
    private readonly access: ClientAccess,
    private readonly policy: ClientAccessPolicy,
    private readonly usage: ClientUsageRepository,
  ) {}

  /** The fleet's busiest clients over the last `hours` UTC hours (the current one included) the caller may see. */
  async getTopUsage(principal: RequestPrincipal, query: TopUsageQuery, now = new Date()): Promise<TopUsage> {
    const since = usageWindowStart(now, query.hours);
    const clients = await this.usage.findTop(this.policy.visibility(principal), since, query.by, query.limit);
    return toTopUsageResponse(query, since, clients);
  }

  async getClientUsage(principal: RequestPrincipal, clientId: string, now = new Date()): Promise<ClientUsage> {
    const { client } = await this.access.authorize(principal, clientId, 'read');
    return toClientUsageResponse(client.id, await this.usage.findSince(client.id, usageWindowStart(now)), now);
  }
}
