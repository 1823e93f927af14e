export * from './lib/clients.module';
export { ClientEntity } from './lib/client.entity';
export { ClientsRepository } from './lib/clients.repository';
export { ClientAccessPolicy, clientInactive } from './lib/client-access.policy';
export { toRemoteTarget } from './lib/client-remote-target';
export type { RemoteTargetSource } from './lib/client-remote-target';
export { ClientsService } from './lib/clients.service';
export type { ClientAction, ClientRelation } from './lib/client-access.policy';
