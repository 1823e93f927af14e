import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SetupTokenEntity } from './setup-token.entity';

/** How long a printed setup token works: long enough for a first deployment, not so long that old logs open setup. */
export const SETUP_TOKEN_LIFETIME_HOURS = 24;

@Injectable()
export class SetupTokenRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds the token this replica prints (the others' keep working) and drops expired ones. */
  async add(tokenHash: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM setup_tokens WHERE created_at < now() - make_interval(hours => $1)`, [
        SETUP_TOKEN_LIFETIME_HOURS,
      ]);
      await manager.insert(SetupTokenEntity, { tokenHash });
    });
  }

  /**
   * Consumes the pending tokens when `tokenHash` is one of them and not expired: all of them go, since setup happens
   * once. Every pending row is locked first, so concurrent attempts queue and only the first finds them; a wrong
   * token changes nothing.
   */
  async consume(tokenHash: string, manager: EntityManager): Promise<boolean> {
    const pending: { token_hash: string; fresh: boolean }[] = await manager.query(
      `SELECT token_hash, created_at >= now() - make_interval(hours => $1) AS fresh FROM setup_tokens FOR UPDATE`,
      [SETUP_TOKEN_LIFETIME_HOURS],
    );
    if (!pending.some((row) => row.token_hash === tokenHash && row.fresh)) return false;
    await manager.query('DELETE FROM setup_tokens');
    return true;
  }

  async clear(manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('DELETE FROM setup_tokens');
  }
}
