import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SetupTokenEntity } from './setup-token.entity';

@Injectable()
export class SetupTokenRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Replaces the pending token: a restart prints a new one and the old one stops working. */
  async replace(tokenHash: string): Promise<void> {
    await this.dataSource.manager.upsert(SetupTokenEntity, { id: 1, tokenHash }, ['id']);
  }

  async exists(): Promise<boolean> {
    return (await this.dataSource.manager.count(SetupTokenEntity)) > 0;
  }

  /**
   * Deletes the token if it matches. The row lock makes concurrent attempts queue; only the first finds
   * the row, every later one deletes nothing.
   */
  async consume(tokenHash: string, manager: EntityManager): Promise<boolean> {
    const result = await manager.delete(SetupTokenEntity, { id: 1, tokenHash });
    return (result.affected ?? 0) === 1;
  }

  async clear(manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.delete(SetupTokenEntity, { id: 1 });
  }
}
