import { TokenGrant } from '@agent-controller/core';
import { labelsMatch, parseLabelSelector } from '@agent-controller/shared-contracts';
import type { ClientAction } from './client-access.policy';
import { ClientEntity } from './client.entity';
import { selectorCondition, SqlCondition } from './label-selector.sql';

/** The client actions each token access level allows (the owner's relation must allow them too). */
const TOKEN_ACTIONS: Record<TokenGrant['access'], readonly ClientAction[] | 'all'> = {
  read: ['read'],
  operate: ['read', 'operate'],
  manage: 'all',
};

export function tokenAllows(token: TokenGrant | undefined, action: ClientAction): boolean {
  if (!token) return true;
  const allowed = TOKEN_ACTIONS[token.access];
  return allowed === 'all' || allowed.includes(action);
}

/**
 * `inTokenScope` knowing only the client's id (fleet events): a token narrowed by team or selector is told of no
 * client there, one narrowed by ids only of those.
 */
export function inTokenScopeById(token: TokenGrant | undefined, clientId: string): boolean {
  if (!token || (token.clientIds === null && token.teamIds === null && token.selector === null)) return true;
  return token.teamIds === null && token.selector === null && (token.clientIds ?? []).includes(clientId);
}

/** Whether the client is among those the token is narrowed to (every given list must hold). */
export function inTokenScope(
  token: TokenGrant | undefined,
  client: Pick<ClientEntity, 'id' | 'teamId' | 'labels'>,
): boolean {
  if (!token) return true;
  if (token.clientIds && !token.clientIds.includes(client.id)) return false;
  if (token.teamIds && !(client.teamId && token.teamIds.includes(client.teamId))) return false;
  if (token.selector) {
    const parsed = parseLabelSelector(token.selector);
    if (!parsed.ok || !labelsMatch(parsed.requirements, client.labels ?? {})) return false;
  }
  return true;
}

/**
 * Whether a client about to be created would be in the token's scope (a token narrowed to ids never reaches a new
 * one): a scoped token may not make clients it could not see afterwards.
 */
export function newClientInTokenScope(
  token: TokenGrant | undefined,
  client: Pick<ClientEntity, 'teamId' | 'labels'>,
): boolean {
  return !token || (token.clientIds === null && inTokenScope(token, { id: '', ...client }));
}

/** The same narrowing as a condition on `alias` (a row of clients), for lists; TRUE without a token. */
export function tokenScopeCondition(token: TokenGrant | undefined, alias: string): SqlCondition {
  const conditions: string[] = [];
  const parameters: SqlCondition['parameters'] = {};
  if (token?.clientIds) {
    conditions.push(`${alias}.id = ANY(CAST(:tokenClientIds AS uuid[]))`);
    parameters['tokenClientIds'] = token.clientIds;
  }
  if (token?.teamIds) {
    conditions.push(`${alias}.team_id = ANY(CAST(:tokenTeamIds AS uuid[]))`);
    parameters['tokenTeamIds'] = token.teamIds;
  }
  if (token?.selector) {
    const selector = selectorCondition(token.selector, `${alias}.labels`, 'tokenSelector');
    conditions.push(`(${selector.sql})`);
    Object.assign(parameters, selector.parameters);
  }
  return { sql: conditions.length > 0 ? conditions.join(' AND ') : 'TRUE', parameters };
}
