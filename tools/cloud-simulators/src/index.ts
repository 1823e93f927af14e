export type { AgentManagerEndpoint } from './core/agent-manager';
export type { FaultPatch, FaultSettings } from './core/faults';
export type { AgentManagerInfo, AgentManagerStatus, MachinePhase } from './core/machines';
export type { ProviderSimulatorHandle, SharedRuntime } from './core/provider-simulator';
export { BOOTSTRAP_PATH, parseDotenv, parseUserData } from './core/user-data';
export { startDigitalOceanSimulator } from './digitalocean';
export { startHetznerSimulator } from './hetzner';
export type {
  AgentManagerOptions,
  CloudProviderName,
  CloudSimulatorsOptions,
  ProviderSimulatorOptions,
} from './options';
export { startCloudSimulators, type CloudSimulatorsHandle } from './simulators';
