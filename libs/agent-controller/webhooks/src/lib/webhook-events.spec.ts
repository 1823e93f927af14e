import { eventOfAudit, renderBody } from './webhook-events';
import { inScope } from './webhook-outbox';

const client = {
  id: 'c1',
  name: 'alpha',
  teamId: 't1',
  labels: { env: 'prod' },
  environment: 'production',
  status: 'active',
  healthState: 'healthy',
};

describe('webhook events', () => {
  it('maps audited client changes to their events, and ignores the rest', () => {
    expect(eventOfAudit({ action: 'client.create', targetType: 'client', targetId: 'c1' })?.type).toBe(
      'client.created',
    );
    expect(
      eventOfAudit({
        action: 'client.status',
        targetType: 'client',
        targetId: 'c1',
        changes: { status: { from: 'active', to: 'inactive' } },
      }),
    ).toMatchObject({ type: 'client.status_changed', data: { from: 'active', to: 'inactive' } });
    expect(eventOfAudit({ action: 'client.update', targetType: 'client', targetId: 'c1', changes: {} })).toBeNull();
    expect(eventOfAudit({ action: 'auth.login', targetType: 'user', targetId: 'u1' })).toBeNull();
  });

  it('keeps a deleted client’s team and labels from the audit diff, for scoping', () => {
    const event = eventOfAudit({
      action: 'client.delete',
      targetType: 'client',
      targetId: 'c1',
      changes: { name: { from: 'alpha' }, teamId: { from: 't1' }, labels: { from: { env: 'prod' } } },
    });
    expect(event?.deletedClient).toMatchObject({ id: 'c1', name: 'alpha', teamId: 't1', labels: { env: 'prod' } });
  });

  it('scopes by team and selector; events of no client reach unscoped webhooks only', () => {
    expect(inScope({ teamId: null, selector: null }, null)).toBe(true);
    expect(inScope({ teamId: 't1', selector: null }, null)).toBe(false);
    expect(inScope({ teamId: 't1', selector: null }, client)).toBe(true);
    expect(inScope({ teamId: 't2', selector: null }, client)).toBe(false);
    expect(inScope({ teamId: null, selector: 'env=prod' }, client)).toBe(true);
    expect(inScope({ teamId: null, selector: 'env in (dev,test)' }, client)).toBe(false);
  });

  it('renders Slack bodies as {text}', () => {
    const envelope = {
      id: 'e1',
      type: 'client.health_changed' as const,
      occurredAt: new Date(0).toISOString(),
      data: { client, from: 'healthy', to: 'unreachable', reason: 'refused', suppressedChanges: 3 },
    };
    const slack = JSON.parse(renderBody('slack', envelope));
    expect(Object.keys(slack)).toEqual(['text']);
    expect(slack.text).toContain('alpha');
    expect(slack.text).toContain('healthy → unreachable');
    expect(slack.text).toContain('3 changes in between suppressed');
    expect(JSON.parse(renderBody('json', envelope))).toEqual(envelope);
  });
});
