import { Location, ProviderType, ServerType } from '@agent-controller/shared-contracts';

/** Labels every server carries: this controller's id and the job that made it. */
export interface ServerLabels {
  controllerId: string;
  jobId: string;
}

export interface CreateServerInput {
  name: string;
  serverType: string;
  location: string | null;
  userData: string;
  labels: ServerLabels;
}

/** A cloud server as the controller needs to see it. `running` means booted, not that the agent-manager is up. */
export interface CloudServer {
  id: string;
  name: string;
  status: 'starting' | 'running' | 'failed';
  ipv4: string | null;
  /** The job id from its labels/tags; null when it has none. */
  jobId: string | null;
  createdAt: Date;
}

/** A server type as a cloud describes it; the API answer adds its aliases (`memory`, `disk`). */
export type CloudServerType = Omit<ServerType, 'memory' | 'disk'>;

/** One cloud's API, behind a small typed adapter (DESIGN §7). Errors are `CloudApiError`s. */
export interface CloudProvider {
  readonly type: ProviderType;
  readonly displayName: string;
  /** Its API token is configured. */
  readonly configured: boolean;
  listServerTypes(location?: string): Promise<CloudServerType[]>;
  listLocations(): Promise<Location[]>;
  /** Sends the create once: without an answer it throws `CloudOutcomeUnknownError` (see `createServerOnce`). */
  createServer(input: CreateServerInput): Promise<CloudServer>;
  /** The server a job made, found by its job label/tag (the oldest, should there be several); null when none. */
  findServerOfJob(labels: ServerLabels): Promise<CloudServer | null>;
  /** null when the server does not exist (any more). */
  getServer(id: string): Promise<CloudServer | null>;
  /** Resolves when the server is gone or going; a server that no longer exists counts as deleted. */
  deleteServer(id: string): Promise<void>;
  /** Every server labelled with this controller's id. */
  listServers(controllerId: string): Promise<CloudServer[]>;
}

export const CLOUD_PROVIDERS = Symbol('CLOUD_PROVIDERS');
