import { auditEventSchema, auditQuerySchema } from './audit';

describe('auditQuerySchema', () => {
  it('pages by default and leaves filters out', () => {
    expect(auditQuerySchema.parse({})).toEqual({ limit: 10, offset: 0 });
  });

  it.each(['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.123Z', '2024-05-01T12:00:00+02:00'])(
    'accepts the ISO 8601 instant %s as from and to',
    (instant) => {
      expect(auditQuerySchema.parse({ from: instant, to: instant })).toMatchObject({ from: instant, to: instant });
    },
  );

  it.each(['2024-05-01', 'yesterday', '1714557600000', '2024-13-01T00:00:00Z', '2024-05-01 10:00:00Z', ''])(
    'refuses %p as from and to',
    (value) => {
      const result = auditQuerySchema.safeParse({ from: value, to: value });

      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['from', 'to']);
    },
  );

  it('accepts the actor, action and target filters within their limits', () => {
    expect(auditQuerySchema.parse({ actor: 'alice@example.com', action: 'client.', targetId: 'c1' })).toMatchObject({
      actor: 'alice@example.com',
      action: 'client.',
      targetId: 'c1',
    });
    expect(auditQuerySchema.safeParse({ action: 'a'.repeat(101) }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ actor: 'a'.repeat(255) }).success).toBe(false);
  });

  it('refuses unknown query keys', () => {
    expect(auditQuerySchema.safeParse({ outcome: 'failure' }).success).toBe(false);
  });
});

describe('auditEventSchema', () => {
  const event = {
    id: '0a4f5c7e-2d1b-4c3a-9e8f-7b6a5d4c3b2a',
    occurredAt: '2024-05-01T10:00:00.000Z',
    actorType: 'user',
    actorId: '11111111-1111-4111-8111-111111111111',
    actorEmail: 'alice@example.com',
    action: 'client.update',
    targetType: 'client',
    targetId: 'c1',
    targetName: 'beta',
    outcome: 'success',
    requestId: 'req-1',
    ip: '203.0.113.7',
    changes: { apiKey: { from: '[redacted]', to: '[redacted]' }, name: { to: 'beta' } },
    details: null,
  };

  it('accepts an event with redacted and one-sided changes', () => {
    expect(auditEventSchema.parse(event)).toEqual(event);
  });

  it.each([
    ['actorType', 'robot'],
    ['outcome', 'maybe'],
    ['actorId', 'not-a-uuid'],
  ])('refuses %s=%p', (key, value) => {
    expect(auditEventSchema.safeParse({ ...event, [key]: value }).success).toBe(false);
  });

  it('accepts a system event without actor', () => {
    expect(
      auditEventSchema.safeParse({ ...event, actorType: 'system', actorId: null, actorEmail: null, changes: null })
        .success,
    ).toBe(true);
  });
});
