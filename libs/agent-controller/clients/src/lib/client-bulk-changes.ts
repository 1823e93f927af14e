import { BulkClientRequest } from '@agent-controller/shared-contracts';
import { ClientEntity } from './client.entity';
import { mergeLabels, removeLabels } from './client-labels';
import { TeamEntity } from './teams/team.entity';

/** The bulk actions that change fields of each client (an update of each, audited so), written set-based. */
export const BULK_FIELD_ACTIONS = [
  'set_environment',
  'add_labels',
  'remove_labels',
  'move_to_team',
  'apply_team_defaults',
] as const;
export type BulkFieldAction = (typeof BULK_FIELD_ACTIONS)[number];

/** The fields a bulk field action may change. */
export const BULK_FIELDS = [
  'environment',
  'labels',
  'teamId',
  'agentWsPort',
  'keycloakRealm',
  'keycloakAuthServerUrl',
] as const;
export type BulkFields = Pick<ClientEntity, (typeof BULK_FIELDS)[number]>;

export function isBulkFieldAction(action: BulkClientRequest['action']): action is BulkFieldAction {
  return (BULK_FIELD_ACTIONS as readonly string[]).includes(action);
}

export function bulkFieldsOf(client: BulkFields): BulkFields {
  return {
    environment: client.environment,
    labels: client.labels,
    teamId: client.teamId,
    agentWsPort: client.agentWsPort,
    keycloakRealm: client.keycloakRealm,
    keycloakAuthServerUrl: client.keycloakAuthServerUrl,
  };
}

/**
 * What the action makes of one client's fields, or why it cannot be applied to it. `teams` holds the clients'
 * teams (for `apply_team_defaults`).
 */
export function bulkFieldChange(
  client: BulkFields & Pick<ClientEntity, 'authenticationType'>,
  request: BulkClientRequest & { action: BulkFieldAction },
  teams: ReadonlyMap<string, TeamEntity>,
): BulkFields | { problem: string } {
  const fields = bulkFieldsOf(client);
  switch (request.action) {
    case 'set_environment':
      return { ...fields, environment: request.targetEnvironment ?? client.environment };
    case 'add_labels': {
      const merged = mergeLabels(client.labels, request.labels ?? {});
      return 'problem' in merged ? merged : { ...fields, labels: merged.labels };
    }
    case 'remove_labels':
      return { ...fields, labels: removeLabels(client.labels, request.labelKeys ?? []) };
    case 'move_to_team':
      return { ...fields, teamId: request.targetTeamId ?? null };
    case 'apply_team_defaults': {
      const team = client.teamId ? teams.get(client.teamId) : undefined;
      if (!team) return { problem: 'the client is in no team' };
      return withTeamDefaults(client, team);
    }
  }
}

/** A client's fields with its team's defaults applied: the team's values where it sets them, its labels added. */
function withTeamDefaults(
  client: BulkFields & Pick<ClientEntity, 'authenticationType'>,
  team: TeamEntity,
): BulkFields | { problem: string } {
  const merged = mergeLabels(client.labels, team.defaultLabels);
  if ('problem' in merged) return merged;
  const keycloak = client.authenticationType === 'keycloak';
  return {
    ...bulkFieldsOf(client),
    labels: merged.labels,
    agentWsPort: team.defaultAgentWsPort ?? client.agentWsPort,
    keycloakRealm: (keycloak && team.defaultKeycloakRealm) || client.keycloakRealm,
    keycloakAuthServerUrl: (keycloak && team.defaultKeycloakAuthServerUrl) || client.keycloakAuthServerUrl,
  };
}
