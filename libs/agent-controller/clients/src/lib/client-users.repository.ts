import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserEntity } from '@agent-controller/auth';
import { ClientRole } from '@agent-controller/shared-contracts';
import { DataSource, EntityManager } from 'typeorm';
import { ClientUserEntity } from './client-user.entity';

export interface MemberRow {
  id: string;
  userId: string;
  email: string;
  role: ClientRole;
  createdAt: Date;
}

@Injectable()
export class ClientUsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async listMembers(clientId: string): Promise<MemberRow[]> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(ClientUserEntity, 'member')
      .innerJoin(UserEntity, 'user', 'user.id = member.user_id')
      .select(['member.id AS id', 'member.user_id AS "userId"', 'user.email AS email', 'member.role AS role'])
      .addSelect('member.created_at', 'createdAt')
      .where('member.client_id = :clientId', { clientId })
      .orderBy('member.created_at', 'ASC')
      .getRawMany<MemberRow>();
    return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
  }

  findMember(
    clientId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ClientUserEntity | null> {
    return manager.findOne(ClientUserEntity, { where: { id, clientId }, lock: { mode: 'pessimistic_write' } });
  }

  insert(
    values: Pick<ClientUserEntity, 'clientId' | 'userId' | 'role'>,
    manager: EntityManager,
  ): Promise<ClientUserEntity> {
    return manager.save(manager.create(ClientUserEntity, values));
  }

  save(member: ClientUserEntity, manager: EntityManager): Promise<ClientUserEntity> {
    return manager.save(member);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(ClientUserEntity, { id });
  }
}
