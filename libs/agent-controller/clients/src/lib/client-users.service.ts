import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@agent-controller/audit';
import { UsersRepository } from '@agent-controller/auth';
import { AppConfig, appConfig, DomainError, FleetEvents, RequestPrincipal } from '@agent-controller/core';
import { isUniqueViolation } from '@agent-controller/database';
import { AddClientUserRequest, ClientRole, ClientUser } from '@agent-controller/shared-contracts';
import { membershipAction } from './client-access.policy';
import { ClientUserEntity } from './client-user.entity';
import { ClientUsersRepository } from './client-users.repository';
import { ClientAccess } from './client-access';

const memberNotFound = () => new DomainError('NOT_FOUND', 'Membership not found');

/**
 * Per-client membership (modes `users` and `keycloak`). Global admins and the creator manage any role;
 * client admins manage members with role `user` only; client users manage no one. A member removed or given
 * another role is told on the event bus, so their open links are checked again at once.
 */
@Injectable()
export class ClientUsersService {
  constructor(
    private readonly members: ClientUsersRepository,
    private readonly users: UsersRepository,
    private readonly clients: ClientAccess,
    private readonly audit: AuditService,
    private readonly events: FleetEvents,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /**
   * The members of a client, and its creator first when asked for (`includeCreator`). In api-key mode users play
   * no role, so the list of a visible client is empty (as Agenstra answers) while adding and removing are refused.
   */
  async listClientUsers(
    principal: RequestPrincipal,
    clientId: string,
    { includeCreator = false }: { includeCreator?: boolean } = {},
  ): Promise<ClientUser[]> {
    const client = await this.clients.authorizeClient(principal, clientId, 'read');
    if (this.config.auth.method === 'api-key') return [];
    const creator = includeCreator && client.userId ? await this.users.findById(client.userId) : null;
    const members = await this.members.listMembers(clientId);
    return [
      ...(creator
        ? [
            {
              id: null,
              userId: creator.id,
              email: creator.email,
              userEmail: creator.email,
              role: 'creator' as const,
              createdAt: client.createdAt.toISOString(),
            },
          ]
        : []),
      ...members.map((member) => ({ ...member, userEmail: member.email, createdAt: member.createdAt.toISOString() })),
    ];
  }

  async addClientUser(
    principal: RequestPrincipal,
    clientId: string,
    request: AddClientUserRequest,
  ): Promise<ClientUser> {
    this.requireUserMode();
    try {
      const added = await this.members.transaction(async (manager) => {
        const client = await this.clients.authorizeClient(principal, clientId, membershipAction(request.role), {
          manager,
        });
        const user = await this.users.findByEmail(request.email, manager);
        if (!user) {
          throw new DomainError('NOT_FOUND', 'No such user', {
            fields: [{ field: 'email', location: 'body', message: 'no such user' }],
          });
        }
        if (user.id === client.userId)
          throw new DomainError('CONFLICT', 'The creator of a client already has full access');
        const member = await this.members.insert({ clientId, userId: user.id, role: request.role }, manager);
        await this.audit.record(
          {
            action: 'client.member_add',
            targetType: 'client',
            targetId: clientId,
            changes: { [`member:${user.id}`]: { to: request.role } },
          },
          manager,
        );
        return toResponse(member, user.email);
      });
      // Caches remember that the new member had no role here.
      this.events.publish({ type: 'accessChanged', clientId, userId: added.userId });
      return added;
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_client_users_client_user')) {
        throw new DomainError('CONFLICT', 'This user is already a member of the client');
      }
      throw error;
    }
  }

  async changeClientUserRole(
    principal: RequestPrincipal,
    clientId: string,
    relationshipId: string,
    role: ClientRole,
  ): Promise<ClientUser> {
    this.requireUserMode();
    const { response, changed } = await this.members.transaction(async (manager) => {
      await this.clients.authorizeClient(principal, clientId, 'read', { manager });
      const member = await this.members.findMember(clientId, relationshipId, manager);
      if (!member) throw memberNotFound();
      // Changing a role needs the right to remove the old one and to add the new one.
      await this.clients.authorizeClient(principal, clientId, membershipAction(member.role), { manager });
      await this.clients.authorizeClient(principal, clientId, membershipAction(role), { manager });
      const from = member.role;
      const user = await this.users.findById(member.userId, manager);
      if (from === role) return { response: toResponse(member, user?.email ?? ''), changed: false };
      member.role = role;
      const saved = await this.members.save(member, manager);
      await this.audit.record(
        {
          action: 'client.member_role',
          targetType: 'client',
          targetId: clientId,
          changes: { [`member:${member.userId}`]: { from, to: role } },
        },
        manager,
      );
      return { response: toResponse(saved, user?.email ?? ''), changed: true };
    });
    if (changed) this.events.publish({ type: 'accessChanged', clientId, userId: response.userId });
    return response;
  }

  async removeClientUser(principal: RequestPrincipal, clientId: string, relationshipId: string): Promise<void> {
    this.requireUserMode();
    const removedUserId = await this.members.transaction(async (manager) => {
      await this.clients.authorizeClient(principal, clientId, 'read', { manager });
      const member = await this.members.findMember(clientId, relationshipId, manager);
      if (!member) throw memberNotFound();
      await this.clients.authorizeClient(principal, clientId, membershipAction(member.role), { manager });
      await this.members.delete(member.id, manager);
      await this.audit.record(
        {
          action: 'client.member_remove',
          targetType: 'client',
          targetId: clientId,
          changes: { [`member:${member.userId}`]: { from: member.role } },
        },
        manager,
      );
      return member.userId;
    });
    this.events.publish({ type: 'accessChanged', clientId, userId: removedUserId });
  }

  private requireUserMode(): void {
    if (this.config.auth.method === 'api-key') {
      throw new DomainError('NOT_APPLICABLE_IN_API_KEY_MODE', 'Client users play no role in api-key mode');
    }
  }
}

function toResponse(member: ClientUserEntity, email: string): ClientUser {
  return {
    id: member.id,
    userId: member.userId,
    email,
    userEmail: email,
    role: member.role,
    createdAt: member.createdAt.toISOString(),
  };
}
