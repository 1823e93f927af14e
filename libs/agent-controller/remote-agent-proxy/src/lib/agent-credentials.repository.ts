import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClientAgentCredentialEntity } from './client-agent-credential.entity';

@Injectable()
export class AgentCredentialsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores or replaces the password of one agent of one client. */
  async upsert(clientId: string, agentId: string, password: string): Promise<void> {
    const repository = this.dataSource.getRepository(ClientAgentCredentialEntity);
    await repository.upsert(repository.create({ clientId, agentId, password }), ['clientId', 'agentId']);
  }

  async findPassword(clientId: string, agentId: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(ClientAgentCredentialEntity)
      .createQueryBuilder('credential')
      .addSelect('credential.password')
      .where('credential.client_id = :clientId AND credential.agent_id = :agentId', { clientId, agentId })
      .getOne();
    return row?.password ?? null;
  }

  async delete(clientId: string, agentId: string): Promise<void> {
    await this.dataSource.getRepository(ClientAgentCredentialEntity).delete({ clientId, agentId });
  }
}
