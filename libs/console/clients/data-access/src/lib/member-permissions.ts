import type { ClientRole, ClientUser, Principal } from '@agent-controller/shared-contracts';

/** How the signed-in principal relates to one client (DESIGN §4). */
export type ClientRelation = 'global-admin' | 'creator' | 'admin' | 'user' | 'none';

export function clientRelation(principal: Principal | null, members: readonly ClientUser[]): ClientRelation {
  if (!principal) return 'none';
  if (principal.isGlobalAdmin) return 'global-admin';
  const userId = principal.user?.id;
  const member = userId ? members.find((candidate) => candidate.userId === userId) : undefined;
  return member ? member.role : 'none';
}

/** Update / delete the client, rotate its key, change its status. */
export function canManageClient(relation: ClientRelation): boolean {
  return relation === 'global-admin' || relation === 'creator' || relation === 'admin';
}

/** The roles this principal may give a new member: admins only by global admins and the creator. */
export function assignableRoles(relation: ClientRelation): ClientRole[] {
  if (relation === 'global-admin' || relation === 'creator') return ['admin', 'user'];
  if (relation === 'admin') return ['user'];
  return [];
}

/** Changing a role adds or removes an admin, which only global admins and the creator may do. */
export function canChangeRole(relation: ClientRelation, member: ClientUser): boolean {
  return member.role !== 'creator' && member.id !== null && (relation === 'global-admin' || relation === 'creator');
}

export function canRemoveMember(relation: ClientRelation, member: ClientUser): boolean {
  if (member.role === 'creator' || member.id === null) return false;
  return assignableRoles(relation).includes(member.role);
}
