import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserRole } from '@agent-controller/shared-contracts';
import { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from './user.entity';

/** Every query on `users`. Methods taking a manager run inside the caller's transaction. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return manager.findOneBy(UserEntity, { id });
  }

  /** Reads the row and holds it until the caller's transaction ends, so concurrent edits queue. */
  lockById(id: string, manager: EntityManager): Promise<UserEntity | null> {
    return manager.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByEmail(email: string, manager: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return manager.findOneBy(UserEntity, { email });
  }

  findByKeycloakSubject(subject: string, manager: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return manager.findOneBy(UserEntity, { keycloakSubject: subject });
  }

  findPage(limit: number, offset: number): Promise<[UserEntity[], number]> {
    return this.dataSource.manager.findAndCount(UserEntity, {
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  async exists(manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    return (await manager.count(UserEntity)) > 0;
  }

  insert(
    values: Pick<UserEntity, 'email' | 'passwordHash' | 'role'> &
      Partial<Pick<UserEntity, 'keycloakSubject' | 'lastSignInAt'>>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<UserEntity> {
    return manager.save(manager.create(UserEntity, values));
  }

  /** Sets the subject only if the row has none yet; false when another request linked it first. */
  async linkKeycloakSubject(id: string, subject: string, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(UserEntity)
      .set({ keycloakSubject: subject })
      .where('id = :id AND keycloak_subject IS NULL', { id })
      .execute();
    return result.affected === 1;
  }

  /** Compare-and-set, so concurrent requests of one user write (and audit) a change once. */
  async updateRoleIfDifferent(id: string, role: UserRole, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(UserEntity)
      .set({ role })
      .where('id = :id AND role <> :role', { id, role })
      .execute();
    return result.affected === 1;
  }

  /** Compare-and-set on the current e-mail; a unique violation means another user has the new one. */
  async updateEmailIfUnchanged(id: string, from: string, to: string, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(UserEntity)
      .set({ email: to })
      .where('id = :id AND email = :from', { id, from })
      .execute();
    return result.affected === 1;
  }

  /**
   * Records a sign-in at `at` unless a later one is recorded already (one statement, no read first). Raw SQL:
   * the query builder would also bump `updated_at`, and signing in is not an edit of the user.
   */
  async recordSignIn(id: string, at: Date, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE "users" SET "last_sign_in_at" = $2
        WHERE "id" = $1 AND ("last_sign_in_at" IS NULL OR "last_sign_in_at" < $2)`,
      [id, at],
    )) as [unknown, number];
    return affected === 1;
  }

  save(user: UserEntity, manager: EntityManager): Promise<UserEntity> {
    return manager.save(user);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(UserEntity, { id });
  }

  /**
   * Locks every active admin row (in id order) and returns their ids. Two admins demoting each other at
   * once then run one after the other, so the check "someone else stays admin" cannot be raced.
   */
  async lockActiveAdminIds(manager: EntityManager): Promise<string[]> {
    const rows = await manager
      .createQueryBuilder(UserEntity, 'user')
      .select('user.id', 'id')
      .where('user.role = :role', { role: 'admin' })
      .andWhere('user.locked_at IS NULL')
      .orderBy('user.id')
      .setLock('pessimistic_write')
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }
}
