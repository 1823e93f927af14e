import { TokenGrant } from '@agent-controller/core';
import { inTokenScope, inTokenScopeById, newClientInTokenScope, tokenAllows, tokenScopeCondition } from './token-scope';

const grant = (overrides: Partial<TokenGrant> = {}): TokenGrant => ({
  id: 't',
  access: 'manage',
  clientIds: null,
  teamIds: null,
  selector: null,
  ...overrides,
});
const client = { id: 'c1', teamId: 'team-a', labels: { region: 'eu' } };

describe('token scope', () => {
  it('caps the client actions by access level; no token caps nothing', () => {
    expect(tokenAllows(grant({ access: 'read' }), 'read')).toBe(true);
    expect(tokenAllows(grant({ access: 'read' }), 'operate')).toBe(false);
    expect(tokenAllows(grant({ access: 'operate' }), 'operate')).toBe(true);
    expect(tokenAllows(grant({ access: 'operate' }), 'manage')).toBe(false);
    expect(tokenAllows(grant({ access: 'manage' }), 'manage_admins')).toBe(true);
    expect(tokenAllows(undefined, 'delete_server')).toBe(true);
  });

  it('needs every given list to hold', () => {
    expect(inTokenScope(grant(), client)).toBe(true);
    expect(inTokenScope(grant({ clientIds: ['c1'] }), client)).toBe(true);
    expect(inTokenScope(grant({ clientIds: ['c2'] }), client)).toBe(false);
    expect(inTokenScope(grant({ teamIds: ['team-a'], selector: 'region=eu' }), client)).toBe(true);
    expect(inTokenScope(grant({ teamIds: ['team-a'], selector: 'region=us' }), client)).toBe(false);
    expect(inTokenScope(grant({ teamIds: ['team-b'] }), client)).toBe(false);
    expect(inTokenScope(grant({ teamIds: ['team-a'] }), { ...client, teamId: null })).toBe(false);
  });

  it('knows by id alone only a token narrowed by ids only', () => {
    expect(inTokenScopeById(undefined, 'c1')).toBe(true);
    expect(inTokenScopeById(grant(), 'c1')).toBe(true);
    expect(inTokenScopeById(grant({ clientIds: ['c1'] }), 'c1')).toBe(true);
    expect(inTokenScopeById(grant({ clientIds: ['c1'] }), 'c2')).toBe(false);
    expect(inTokenScopeById(grant({ teamIds: ['team-a'] }), 'c1')).toBe(false);
  });

  it('lets a scoped token make only clients it will see', () => {
    expect(newClientInTokenScope(undefined, client)).toBe(true);
    expect(newClientInTokenScope(grant({ selector: 'region=eu' }), client)).toBe(true);
    expect(newClientInTokenScope(grant({ selector: 'region=us' }), client)).toBe(false);
    expect(newClientInTokenScope(grant({ clientIds: ['c1'] }), client)).toBe(false);
  });

  it('says the same in SQL, with bound parameters only', () => {
    expect(tokenScopeCondition(undefined, 'client')).toEqual({ sql: 'TRUE', parameters: {} });
    const condition = tokenScopeCondition(
      grant({ clientIds: ['c1'], teamIds: ['team-a'], selector: 'region=eu' }),
      'client',
    );
    expect(condition.sql).toContain('client.id = ANY(CAST(:tokenClientIds AS uuid[]))');
    expect(condition.sql).toContain('client.team_id = ANY(CAST(:tokenTeamIds AS uuid[]))');
    expect(condition.sql).toContain('client.labels @> CAST(:tokenSelector0 AS jsonb)');
    expect(condition.parameters).toEqual({
      tokenClientIds: ['c1'],
      tokenTeamIds: ['team-a'],
      tokenSelector0: JSON.stringify({ region: 'eu' }),
    });
  });
});
