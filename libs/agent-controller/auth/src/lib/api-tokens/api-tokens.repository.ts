import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { ApiTokenEntity } from './api-token.entity';

export interface ApiTokenRow {
  token: ApiTokenEntity;
  ownerEmail: string;
}

@Injectable()
export class ApiTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  insert(values: Partial<ApiTokenEntity>): Promise<ApiTokenEntity> {
    return this.dataSource.manager.save(this.dataSource.manager.create(ApiTokenEntity, values));
  }

  /** The token stored under one of these hashes (one per key of the keyring). */
  findByHashes(hashes: string[]): Promise<ApiTokenEntity | null> {
    return this.dataSource.manager
      .createQueryBuilder(ApiTokenEntity, 'token')
      .where('token.token_hash IN (:...hashes)', { hashes })
      .getOne();
  }

  /** Newest first: every token, or one user's. */
  async list(ownerId: string | null, id?: string): Promise<ApiTokenRow[]> {
    const builder = this.dataSource.manager
      .createQueryBuilder(ApiTokenEntity, 'token')
      .innerJoin(UserEntity, 'owner', 'owner.id = token.user_id')
      .addSelect('owner.email', 'owner_email')
      .orderBy('token.created_at', 'DESC')
      .addOrderBy('token.id', 'DESC');
    if (ownerId !== null) builder.andWhere('token.user_id = :ownerId', { ownerId });
    if (id !== undefined) builder.andWhere('token.id = :id', { id });
    const { entities, raw } = await builder.getRawAndEntities<{ owner_email: string }>();
    return entities.map((token, index) => ({ token, ownerEmail: raw[index].owner_email }));
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.dataSource.manager
      .createQueryBuilder()
      .update(ApiTokenEntity)
      .set({ revokedAt: at })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
  }

  /** Records when and from where each token was last used, in one statement. */
  async recordUse(uses: { id: string; at: Date; ip: string | null }[]): Promise<void> {
    if (uses.length === 0) return;
    await this.dataSource.query(
      `UPDATE api_tokens AS token SET last_used_at = used.at, last_used_ip = used.ip
       FROM jsonb_to_recordset($1::jsonb) AS used(id uuid, at timestamptz, ip text)
       WHERE token.id = used.id AND (token.last_used_at IS NULL OR token.last_used_at < used.at)`,
      [JSON.stringify(uses)],
    );
  }
}
