import { Injectable } from '@nestjs/common';
import { ClientAccess } from '@agent-controller/clients';
import { RequestPrincipal } from '@agent-controller/core';
import { ClientUsage } from '@agent-controller/shared-contracts';
import { toClientUsageResponse, usageWindowStart } from './client-usage.mapper';
import { ClientUsageRepository } from './client-usage.repository';

/** Usage over time for the console, from the database: the same answer from every replica. */
@Injectable()
export class ClientUsageService {
  constructor(
    private readonly access: ClientAccess,
    private readonly usage: ClientUsageRepository,
  ) {}

  async getClientUsage(principal: RequestPrincipal, clientId: string, now = new Date()): Promise<ClientUsage> {
    const { client } = await this.access.authorize(principal, clientId, 'read');
    return toClientUsageResponse(client.id, await this.usage.findSince(client.id, usageWindowStart(now)), now);
  }
}
