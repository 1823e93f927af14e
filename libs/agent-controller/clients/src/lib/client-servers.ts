import { Injectable } from '@nestjs/common';
import { ProviderType } from '@agent-controller/shared-contracts';
import { EntityManager } from 'typeorm';

/** The cloud server a client's remote runs on, as the module that made it knows it. */
export interface ClientServer {
  clientId: string;
  providerType: ProviderType;
  serverId: string;
  serverName: string;
  /** The provisioning job that made it. */
  jobId: string;
}

/**
 * What deleting a client needs from the module that makes servers (provisioning). That module imports this
 * one, so it plugs itself in here at start-up instead of being imported (no cycle).
 */
export interface ClientServerSource {
  /** The live servers behind these clients, by client id; a client without one is absent. */
  findServers(clientIds: string[]): Promise<Map<string, ClientServer>>;
  /** Deletes the server at its cloud; throws (changing nothing) when the cloud does not. */
  deleteServer(server: ClientServer): Promise<void>;
  /** Lists the server as an orphan, inside the transaction that deletes its client. */
  keepServer(server: ClientServer, manager: EntityManager): Promise<void>;
}

/** The servers behind clients. Without a registered source (no provisioning module) no client has one. */
@Injectable()
export class ClientServers {
  private source: ClientServerSource | null = null;

  register(source: ClientServerSource): void {
    this.source = source;
  }

  async findServers(clientIds: string[]): Promise<Map<string, ClientServer>> {
    if (!this.source || clientIds.length === 0) return new Map();
    return this.source.findServers(clientIds);
  }

  async deleteServer(server: ClientServer): Promise<void> {
    await this.requireSource().deleteServer(server);
  }

  async keepServer(server: ClientServer, manager: EntityManager): Promise<void> {
    await this.requireSource().keepServer(server, manager);
  }

  private requireSource(): ClientServerSource {
    // Only reachable with a server found by the source, so a missing source is a wiring bug.
    if (!this.source) throw new Error('No client server source is registered');
    return this.source;
  }
}
