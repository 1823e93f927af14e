import { randomUUID } from 'node:crypto';

import type { DeploymentConfigurationRecord, SimulatorState } from '../state';

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The `deploymentConfiguration` of an agent create/update body. Like the real manager, a failure here is
 * swallowed (the agent call still succeeds), so an incomplete configuration is simply not stored. The
 * deployments endpoints that read it come in a later round.
 */
export function upsertDeploymentConfiguration(state: SimulatorState, agentId: string, input: unknown): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return;
  }
  const raw = input as Record<string, unknown>;
  const now = new Date();
  const existing = state.deploymentConfigurations.get(agentId);
  if (existing) {
    const providerType = optionalString(raw['providerType']);
    const repositoryId = optionalString(raw['repositoryId']);
    const providerToken = optionalString(raw['providerToken']);
    if (providerType !== undefined) existing.providerType = providerType;
    if (repositoryId !== undefined) existing.repositoryId = repositoryId;
    if (providerToken !== undefined) existing.providerToken = providerToken;
    for (const key of ['defaultBranch', 'workflowId', 'providerBaseUrl'] as const) {
      const value = optionalString(raw[key]);
      if (value !== undefined) existing[key] = value;
    }
    existing.updatedAt = now;
    return;
  }
  const providerType = optionalString(raw['providerType']);
  const repositoryId = optionalString(raw['repositoryId']);
  const providerToken = optionalString(raw['providerToken']);
  if (!providerType || !repositoryId || !providerToken) {
    return;
  }
  const record: DeploymentConfigurationRecord = {
    id: randomUUID(),
    agentId,
    providerType,
    repositoryId,
    defaultBranch: optionalString(raw['defaultBranch']),
    workflowId: optionalString(raw['workflowId']),
    providerBaseUrl: optionalString(raw['providerBaseUrl']),
    providerToken,
    createdAt: now,
    updatedAt: now,
  };
  state.deploymentConfigurations.set(agentId, record);
}
