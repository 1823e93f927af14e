import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserEntity } from '@agent-controller/auth';
import { TeamRole } from '@agent-controller/shared-contracts';
import { DataSource, EntityManager } from 'typeorm';
import { ClientEntity } from '../client.entity';
import { TeamMemberEntity } from './team-member.entity';
import { TeamEntity } from './team.entity';

/** A team with its counts, as lists show it. */
export interface TeamRow {
  team: TeamEntity;
  clientCount: number;
  memberCount: number;
}

export interface TeamMemberRow {
  id: string;
  userId: string;
  email: string;
  role: TeamRole;
  createdAt: Date;
}

@Injectable()
export class TeamsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Teams by name, with their counts: every team, or those `memberId` belongs to. */
  async list(memberId: string | null, ids?: string[]): Promise<TeamRow[]> {
    const builder = this.dataSource.manager
      .createQueryBuilder(TeamEntity, 'team')
      .addSelect('(SELECT COUNT(*) FROM clients client WHERE client.team_id = team.id)', 'client_count')
      .addSelect('(SELECT COUNT(*) FROM team_members member WHERE member.team_id = team.id)', 'member_count')
      .orderBy('lower(team.name)', 'ASC');
    if (memberId !== null) {
      builder.andWhere('team.id IN (SELECT member.team_id FROM team_members member WHERE member.user_id = :memberId)', {
        memberId,
      });
    }
    if (ids) builder.andWhere('team.id = ANY(CAST(:ids AS uuid[]))', { ids });
    const { entities, raw } = await builder.getRawAndEntities<{ client_count: string; member_count: string }>();
    return entities.map((team, index) => ({
      team,
      clientCount: Number(raw[index].client_count),
      memberCount: Number(raw[index].member_count),
    }));
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<TeamEntity | null> {
    return manager.findOneBy(TeamEntity, { id });
  }

  findManyById(ids: string[], manager: EntityManager = this.dataSource.manager): Promise<TeamEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return manager
      .createQueryBuilder(TeamEntity, 'team')
      .where('team.id = ANY(CAST(:ids AS uuid[]))', { ids })
      .getMany();
  }

  /** Holds the team row until the transaction ends, so membership changes and deletion queue. */
  lockById(id: string, manager: EntityManager): Promise<TeamEntity | null> {
    return manager.findOne(TeamEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The user's role in each team they belong to. */
  async rolesOf(userId: string, manager: EntityManager = this.dataSource.manager): Promise<Map<string, TeamRole>> {
    const rows = await manager.find(TeamMemberEntity, { where: { userId }, select: ['teamId', 'role'] });
    return new Map(rows.map((row) => [row.teamId, row.role]));
  }

  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    const builder = this.dataSource
      .createQueryBuilder(TeamEntity, 'team')
      .where('lower(team.name) = lower(:name)', { name: name.trim() });
    if (exceptId) builder.andWhere('team.id <> :exceptId', { exceptId });
    return builder.getExists();
  }

  insert(values: Partial<TeamEntity>, manager: EntityManager): Promise<TeamEntity> {
    return manager.save(manager.create(TeamEntity, values));
  }

  save(team: TeamEntity, manager: EntityManager): Promise<TeamEntity> {
    return manager.save(team);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(TeamEntity, { id });
  }

  /** The ids of the team's clients, locked for the caller's transaction (in id order, as bulk runs lock). */
  async lockClientIds(teamId: string, manager: EntityManager): Promise<string[]> {
    const rows = await manager
      .createQueryBuilder(ClientEntity, 'client')
      .select('client.id', 'id')
      .where('client.team_id = :teamId', { teamId })
      .orderBy('client.id')
      .setLock('pessimistic_write')
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /** Up to `limit` distinct users who are members of any of these teams. */
  async memberUserIds(teamIds: string[], limit: number): Promise<string[]> {
    if (teamIds.length === 0) return [];
    const rows: { user_id: string }[] = await this.dataSource.query(
      'SELECT DISTINCT member.user_id FROM team_members member WHERE member.team_id = ANY($1::uuid[]) LIMIT $2',
      [teamIds, limit],
    );
    return rows.map((row) => row.user_id);
  }

  /** Up to `limit` ids of the team's clients. */
  async clientIds(teamId: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(ClientEntity, 'client')
      .select('client.id', 'id')
      .where('client.team_id = :teamId', { teamId })
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  async moveClients(clientIds: string[], teamId: string | null, manager: EntityManager): Promise<void> {
    if (clientIds.length === 0) return;
    await manager.query('UPDATE clients SET team_id = $2, updated_at = now() WHERE id = ANY($1::uuid[])', [
      clientIds,
      teamId,
    ]);
  }

  async listMembers(teamId: string): Promise<TeamMemberRow[]> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(TeamMemberEntity, 'member')
      .innerJoin(UserEntity, 'user', 'user.id = member.user_id')
      .select(['member.id AS id', 'member.user_id AS "userId"', 'user.email AS email', 'member.role AS role'])
      .addSelect('member.created_at', 'createdAt')
      .where('member.team_id = :teamId', { teamId })
      .orderBy('member.created_at', 'ASC')
      .addOrderBy('member.id', 'ASC')
      .getRawMany<TeamMemberRow>();
    return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
  }

  findMember(teamId: string, id: string, manager: EntityManager): Promise<TeamMemberEntity | null> {
    return manager.findOne(TeamMemberEntity, { where: { id, teamId }, lock: { mode: 'pessimistic_write' } });
  }

  insertMember(
    values: Pick<TeamMemberEntity, 'teamId' | 'userId' | 'role'>,
    manager: EntityManager,
  ): Promise<TeamMemberEntity> {
    return manager.save(manager.create(TeamMemberEntity, values));
  }

  saveMember(member: TeamMemberEntity, manager: EntityManager): Promise<TeamMemberEntity> {
    return manager.save(member);
  }

  async deleteMember(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(TeamMemberEntity, { id });
  }
}
