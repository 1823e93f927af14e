import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ControllerIdentityEntity } from './controller-identity.entity';

/** This installation's id: made once, shared by every replica through the database. */
@Injectable()
export class ControllerIdentityService {
  private id?: Promise<string>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get(): Promise<string> {
    this.id ??= this.readOrCreate().catch((error: unknown) => {
      this.id = undefined;
      throw error;
    });
    return this.id;
  }

  private async readOrCreate(): Promise<string> {
    const identities = this.dataSource.getRepository(ControllerIdentityEntity);
    const first = () => identities.find({ order: { createdAt: 'ASC', id: 'ASC' }, take: 1 });
    const [existing] = await first();
    if (existing) return existing.id;
    await identities.insert({});
    // Two replicas starting together may both insert: both then use the oldest row.
    const [created] = await first();
    return created.id;
  }
}
