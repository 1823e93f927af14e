import { Injectable } from '@nestjs/common';
import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { ClientEntity } from './client.entity';
import { ClientVisibility } from './clients.repository';

/**
 * Who may see and manage which client (DESIGN.md §4). A client the caller may not see is reported as
 * missing, never as forbidden, so ids cannot be probed.
 */
@Injectable()
export class ClientAccessPolicy {
  visibility(principal: RequestPrincipal): ClientVisibility {
    if (principal.isGlobalAdmin) return { kind: 'all' };
    if (!principal.userId) throw new DomainError('FORBIDDEN', 'No user');
    return { kind: 'user', userId: principal.userId };
  }

  canManage(principal: RequestPrincipal, client: ClientEntity): boolean {
    return principal.isGlobalAdmin || (principal.userId !== null && client.userId === principal.userId);
  }

  requireManage(principal: RequestPrincipal, client: ClientEntity): void {
    if (!this.canManage(principal, client)) {
      throw new DomainError('FORBIDDEN', 'Managing this client needs the admin role on it');
    }
  }
}

export const clientNotFound = () => new DomainError('NOT_FOUND', 'Client not found');
