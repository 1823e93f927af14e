/** Wire shapes of the agent-manager (contract §5). Keys whose value is `undefined` are left out by JSON. */

export const CONTAINER_TYPES = ['generic', 'docker', 'terraform', 'kubernetes'] as const;
export type ContainerType = (typeof CONTAINER_TYPES)[number];

export interface AgentTypeInfo {
  type: string;
  displayName: string;
}

/** The agent types a real manager reports (`GET /api/config`, observed). */
export const DEFAULT_AGENT_TYPES: readonly AgentTypeInfo[] = [
  { type: 'cursor', displayName: 'Cursor' },
  { type: 'opencode', displayName: 'OpenCode' },
  { type: 'openclaw', displayName: 'OpenClaw' },
];

export interface ConfigResponseDto {
  gitRepositoryUrl?: string;
  agentTypes: AgentTypeInfo[];
  [extra: string]: unknown;
}

export interface PortAndPassword {
  port: number;
  password: string;
}

export interface AgentResponseDto {
  id: string;
  name: string;
  description?: string | null;
  agentType: string;
  containerType: string;
  vnc?: PortAndPassword;
  ssh?: PortAndPassword;
  git?: { repositoryUrl: string };
  createdAt: string;
  updatedAt: string;
}

export interface CreateAgentResponseDto extends AgentResponseDto {
  password: string;
}

export interface EnvironmentVariableResponseDto {
  id: string;
  agentId: string;
  variable?: string;
  content: string;
  createdAt: string;
  updatedAt: string;
}
