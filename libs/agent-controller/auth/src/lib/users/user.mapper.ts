import { User } from '@agent-controller/shared-contracts';
import { UserEntity } from './user.entity';

export function toUserResponse(user: UserEntity): User {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    locked: user.lockedAt !== null,
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
