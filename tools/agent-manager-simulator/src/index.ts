export { createApp, API_PREFIX } from './app';
export type { AuthMode, AuthenticatedUser, Authenticator } from './auth';
export type { SimulatorContext } from './context';
export type {
  AgentResponseDto,
  ConfigResponseDto,
  CreateAgentResponseDto,
  EnvironmentVariableResponseDto,
} from './dto';
export type { FaultPatch, FaultSettings, GarbageMode } from './faults';
export type { SimulatorOptions } from './options';
export { CONTROL_PREFIX } from './routes/control.routes';
export { createSimulatorContext, startSimulator, type SimulatorHandle } from './simulator';
