import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
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

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.dataSource.manager.findOneBy(UserEntity, { email });
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
    values: Pick<UserEntity, 'email' | 'passwordHash' | 'role'>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<UserEntity> {
    return manager.save(manager.create(UserEntity, values));
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
