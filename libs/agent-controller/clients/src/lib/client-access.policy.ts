import { Injectable } from '@nestjs/common';
import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { ClientRole } from '@agent-controller/shared-contracts';
import { ClientEntity } from './client.entity';
import type { ClientAudience, ClientVisibility, ClientWithMembership } from './clients.repository';
import { inTokenScope, inTokenScopeById, tokenAllows } from './token-scope';

/** How a caller relates to one client. `none` means the client is invisible to them. */
export type ClientRelation = 'global_admin' | 'creator' | 'client_admin' | 'client_user' | 'none';

/** What can be done to a client; each row of DESIGN.md §4. */
export type ClientAction =
  /** read the client, its agents, files, git, environment, chat, terminals */
  | 'read'
  /** start/stop/restart agents, write app files, git operations, deployments */
  | 'operate'
  /** update or delete the client, rotate its key, change its status */
  | 'manage'
  /** create/update/delete agents, write environment variables, config files */
  | 'configure'
  /** add or remove a member with role `user` */
  | 'manage_users'
  /** add or remove a member with role `admin` */
  | 'manage_admins'
  /** delete the client's provisioned server */
  | 'delete_server';

/** The permission table. A relation not listed for an action is refused (403); `none` is always 404. */
export const CLIENT_PERMISSIONS: Record<ClientAction, readonly ClientRelation[]> = {
  read: ['global_admin', 'creator', 'client_admin', 'client_user'],
  operate: ['global_admin', 'creator', 'client_admin', 'client_user'],
  manage: ['global_admin', 'creator', 'client_admin'],
  configure: ['global_admin', 'creator', 'client_admin'],
  manage_users: ['global_admin', 'creator', 'client_admin'],
  manage_admins: ['global_admin', 'creator'],
  delete_server: ['global_admin', 'creator', 'client_admin'],
};

export const clientNotFound = () => new DomainError('NOT_FOUND', 'Client not found');

/** Inactive clients are kept and listed, but never called. */
export const clientInactive = (client: Pick<ClientEntity, 'id' | 'name'>) =>
  new DomainError('CLIENT_INACTIVE', `Client ${client.name} is inactive; activate it first`, { clientId: client.id });

/**
 * The one permission policy for clients (DESIGN.md §4), used by every route and socket event. A client the
 * caller may not see is reported as missing, never as forbidden, so ids cannot be probed.
 */
@Injectable()
export class ClientAccessPolicy {
  /**
   * The SQL filter for lists: everything for global admins, else created-by or member-of (directly or through a
   * team); a scoped API token narrows either to its clients.
   */
  visibility(principal: RequestPrincipal): ClientVisibility {
    const token = principal.token ? { token: principal.token } : {};
    if (principal.isGlobalAdmin) return { kind: 'all', ...token };
    if (!principal.userId) throw new DomainError('FORBIDDEN', 'No user');
    return { kind: 'user', userId: principal.userId, ...token };
  }

  /** A client outside a scoped token's clients is invisible to its caller, as one they have no relation to. */
  relation(principal: RequestPrincipal, { client, memberRole }: ClientWithMembership): ClientRelation {
    if (!inTokenScope(principal.token, client)) return 'none';
    return this.relationTo(principal, client.userId, memberRole);
  }

  /**
   * `relation` from a client's audience (creator and members), as fleet events carry it to every watcher. A token
   * narrowed to clients sees only the ones it names by id here (the event does not carry teams or labels).
   */
  relationIn(principal: RequestPrincipal, audience: ClientAudience, clientId: string): ClientRelation {
    if (!inTokenScopeById(principal.token, clientId)) return 'none';
    const memberRole = principal.userId === null ? null : (audience.memberRoles.get(principal.userId) ?? null);
    return this.relationTo(principal, audience.creatorId, memberRole);
  }

  private relationTo(
    principal: RequestPrincipal,
    creatorId: string | null,
    memberRole: ClientRole | null,
  ): ClientRelation {
    if (principal.isGlobalAdmin) return 'global_admin';
    if (principal.userId !== null && creatorId === principal.userId) return 'creator';
    if (memberRole === 'admin') return 'client_admin';
    if (memberRole === 'user') return 'client_user';
    return 'none';
  }

  allows(relation: ClientRelation, action: ClientAction): boolean {
    return relation !== 'none' && CLIENT_PERMISSIONS[action].includes(relation);
  }

  /** `allows`, and the caller's token (if any) reaches that far: never more than its access level. */
  permits(principal: RequestPrincipal, relation: ClientRelation, action: ClientAction): boolean {
    return this.allows(relation, action) && tokenAllows(principal.token, action);
  }

  /** Throws 404 for an invisible client and 403 for a visible one the caller may not act on this way. */
  authorize(principal: RequestPrincipal, found: ClientWithMembership | null, action: ClientAction): ClientEntity {
    if (!found) throw clientNotFound();
    const relation = this.relation(principal, found);
    if (relation === 'none') throw clientNotFound();
    if (!this.allows(relation, action)) {
      throw new DomainError(
        'FORBIDDEN',
        `Your role on this client (${relation.replace('_', ' ')}) does not allow this`,
      );
    }
    if (!tokenAllows(principal.token, action)) {
      throw new DomainError('FORBIDDEN', `This API token's access (${principal.token?.access}) does not allow this`, {
        reason: 'token_access',
      });
    }
    return found.client;
  }
}

/** The action needed to add, remove or assign a member with `role`. */
export function membershipAction(role: ClientRole): ClientAction {
  return role === 'admin' ? 'manage_admins' : 'manage_users';
}
