/**
 * What the remote answers on an agent's detail routes (contract §5), as the console reads it. The controller
 * relays these bodies unchanged, so they are typed here rather than in the shared contracts (which hold the
 * request schemas the controller checks).
 */

export interface EnvironmentVariable {
  id: string;
  agentId: string;
  variable: string;
  content: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface FileNode {
  name: string;
  type: 'file' | 'directory';
  path: string;
  size?: number;
  modifiedAt?: string;
}

export interface FileContent {
  content: string;
  encoding: 'utf-8' | 'base64';
}

export type VcsFileType = 'staged' | 'unstaged' | 'untracked' | 'both';

export interface VcsFile {
  path: string;
  /** Two-letter porcelain status, e.g. `M `, ` M`, `??`. */
  status: string;
  type: VcsFileType;
  isBinary?: boolean;
  size?: number;
}

export interface VcsStatus {
  currentBranch: string;
  isClean: boolean;
  hasUnpushedCommits: boolean;
  aheadCount: number;
  behindCount: number;
  files: VcsFile[];
}

export interface VcsBranch {
  name: string;
  ref: string;
  isCurrent: boolean;
  isRemote: boolean;
  remote?: string;
  commit: string;
  message: string;
  aheadCount?: number;
  behindCount?: number;
}

export interface VcsDiff {
  path: string;
  originalContent: string;
  modifiedContent: string;
  encoding: 'utf-8' | 'base64';
  isBinary: boolean;
  originalSize?: number;
  modifiedSize?: number;
}

export interface DeploymentConfiguration {
  id: string;
  agentId: string;
  providerType: string;
  repositoryId: string;
  defaultBranch?: string;
  workflowId?: string;
  providerBaseUrl?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface DeploymentWorkflow {
  id: string;
  name: string;
  path?: string;
  state?: string;
  canTrigger: boolean;
}

export interface DeploymentRun {
  id: string;
  configurationId?: string;
  providerRunId: string;
  runName: string;
  status: string;
  conclusion?: string;
  ref: string;
  sha?: string;
  workflowId?: string;
  workflowName?: string;
  startedAt?: string;
  completedAt?: string;
  htmlUrl?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface DeploymentJob {
  id: string;
  name: string;
  status: string;
  conclusion?: string;
  startedAt?: string;
  completedAt?: string;
}
