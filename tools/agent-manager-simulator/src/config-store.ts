import { type AgentTypeInfo, type ConfigResponseDto, DEFAULT_AGENT_TYPES } from './dto';
import { badRequest } from './http-errors';

/**
 * The served `/api/config` and the settings behind it (`GIT_REPOSITORY_URL`, the provider list).
 *
 * A runtime override (control API) replaces keys of the response: `gitRepositoryUrl` (a string, or `null`
 * to unset it), `agentTypes` (the providers the simulated manager has, also used to accept `agentType` on
 * create), and any extra key, passed through as-is so a client's tolerance to new fields can be tested.
 * Like the real manager, where a configuration override rewrites the environment, the overridden
 * `gitRepositoryUrl` is also the default repository for new agents.
 */
export class ConfigStore {
  private override: Record<string, unknown> | null = null;

  constructor(
    private readonly baseGitRepositoryUrl: string | undefined,
    /** The `gitRepositoryUrl` setting of `/api/configuration-overrides` (it rewrites the environment). */
    private readonly settingOverride: () => string | undefined = () => undefined,
  ) {}

  get currentOverride(): Record<string, unknown> | null {
    return this.override === null ? null : { ...this.override };
  }

  setOverride(override: Record<string, unknown> | null): void {
    this.override = override === null ? null : validateConfigOverride(override);
  }

  gitRepositoryUrl(): string | undefined {
    if (this.override && Object.prototype.hasOwnProperty.call(this.override, 'gitRepositoryUrl')) {
      const value = this.override['gitRepositoryUrl'];
      return typeof value === 'string' && value.length > 0 ? value : undefined;
    }
    return this.settingOverride() ?? this.baseGitRepositoryUrl;
  }

  agentTypes(): AgentTypeInfo[] {
    const types = this.override?.['agentTypes'];
    const list = Array.isArray(types) ? (types as AgentTypeInfo[]) : DEFAULT_AGENT_TYPES;
    return list.map((entry) => ({ ...entry }));
  }

  hasAgentType(type: string): boolean {
    return this.agentTypes().some((entry) => entry.type === type);
  }

  response(): ConfigResponseDto {
    const extra: Record<string, unknown> = { ...(this.override ?? {}) };
    delete extra['gitRepositoryUrl'];
    delete extra['agentTypes'];
    return { gitRepositoryUrl: this.gitRepositoryUrl(), agentTypes: this.agentTypes(), ...extra };
  }
}

export function validateConfigOverride(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw badRequest('Config override must be a JSON object');
  }
  const override = { ...(input as Record<string, unknown>) };
  const url = override['gitRepositoryUrl'];
  if (url !== undefined && url !== null && typeof url !== 'string') {
    throw badRequest('gitRepositoryUrl must be a string or null');
  }
  const types = override['agentTypes'];
  if (types !== undefined) {
    const valid =
      Array.isArray(types) &&
      types.every(
        (entry: unknown) =>
          typeof entry === 'object' &&
          entry !== null &&
          typeof (entry as Record<string, unknown>)['type'] === 'string' &&
          typeof (entry as Record<string, unknown>)['displayName'] === 'string',
      );
    if (!valid) {
      throw badRequest('agentTypes must be an array of {type: string, displayName: string}');
    }
  }
  return override;
}
