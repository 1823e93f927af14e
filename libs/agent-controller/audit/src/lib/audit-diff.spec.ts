import { diffFields, REDACTED } from './audit-diff';

interface Row {
  name: string;
  description: string | null;
  port: number;
  apiKey: string | null;
  secret: string | null;
  seenAt: Date | null;
  tags: string[];
}

const FIELDS = ['name', 'description', 'port', 'apiKey', 'secret', 'seenAt', 'tags'] as const;
const SECRETS = ['apiKey', 'secret'] as const;

const row = (overrides: Partial<Row> = {}): Row => ({
  name: 'alpha',
  description: null,
  port: 8080,
  apiKey: 'key-value-0123456789',
  secret: null,
  seenAt: new Date('2024-05-01T10:00:00.000Z'),
  tags: ['a'],
  ...overrides,
});

describe('diffFields', () => {
  it('reports nothing for identical snapshots', () => {
    expect(diffFields(row(), row(), FIELDS, SECRETS)).toEqual({});
  });

  it('reports only the fields that changed, with from and to', () => {
    const changes = diffFields(row(), row({ name: 'beta', port: 9090 }), FIELDS, SECRETS);

    expect(changes).toEqual({ name: { from: 'alpha', to: 'beta' }, port: { from: 8080, to: 9090 } });
  });

  it('looks only at the listed fields', () => {
    expect(diffFields(row(), row({ name: 'beta', port: 1 }), ['port'])).toEqual({ port: { from: 8080, to: 1 } });
  });

  it('reports a field set to null and a field set from null', () => {
    const changes = diffFields(row(), row({ description: 'now described', seenAt: null }), FIELDS, SECRETS);

    expect(changes).toEqual({
      description: { from: null, to: 'now described' },
      seenAt: { from: '2024-05-01T10:00:00.000Z', to: null },
    });
  });

  it('compares dates by instant, and reports them as ISO strings', () => {
    const same = diffFields(row(), row({ seenAt: new Date('2024-05-01T10:00:00.000Z') }), FIELDS);
    const later = diffFields(row(), row({ seenAt: new Date('2024-05-02T00:00:00.000Z') }), FIELDS);

    expect(same).toEqual({});
    expect(later).toEqual({ seenAt: { from: '2024-05-01T10:00:00.000Z', to: '2024-05-02T00:00:00.000Z' } });
  });

  it('compares arrays and objects by value', () => {
    expect(diffFields(row(), row({ tags: ['a'] }), FIELDS)).toEqual({});
    expect(diffFields(row(), row({ tags: ['a', 'b'] }), FIELDS)).toEqual({ tags: { from: ['a'], to: ['a', 'b'] } });
  });

  describe('create (no before)', () => {
    it('has only "to" for every set field', () => {
      const changes = diffFields(null, row({ secret: null }), FIELDS, SECRETS);

      for (const change of Object.values(changes)) expect(Object.keys(change)).toEqual(['to']);
      expect(changes['name']).toEqual({ to: 'alpha' });
      expect(changes['port']).toEqual({ to: 8080 });
      expect(changes['seenAt']).toEqual({ to: '2024-05-01T10:00:00.000Z' });
    });

    it('redacts a set secret and keeps a null secret null', () => {
      const changes = diffFields(null, row({ secret: null }), FIELDS, SECRETS);

      expect(changes['apiKey']).toEqual({ to: REDACTED });
      expect(changes['secret']).toEqual({ to: null });
    });
  });

  describe('delete (no after)', () => {
    it('has only "from"', () => {
      const changes = diffFields(row(), null, FIELDS, SECRETS);

      for (const change of Object.values(changes)) expect(Object.keys(change)).toEqual(['from']);
      expect(changes['name']).toEqual({ from: 'alpha' });
      expect(changes['apiKey']).toEqual({ from: REDACTED });
      expect(changes['secret']).toEqual({ from: null });
    });
  });

  describe('secrets', () => {
    it('says "[redacted]" and never the value, in either direction', () => {
      const before = row({ apiKey: 'old-key-AAAAAAAAAAAA', secret: 'old-secret' });
      const after = row({ apiKey: 'new-key-BBBBBBBBBBBB', secret: 'new-secret' });

      const changes = diffFields(before, after, FIELDS, SECRETS);

      expect(changes['apiKey']).toEqual({ from: '[redacted]', to: '[redacted]' });
      expect(changes['secret']).toEqual({ from: '[redacted]', to: '[redacted]' });
      const serialized = JSON.stringify(changes);
      for (const value of ['old-key', 'new-key', 'old-secret', 'new-secret']) expect(serialized).not.toContain(value);
    });

    it('keeps null secrets null so set and cleared secrets can be told apart', () => {
      expect(diffFields(row({ secret: null }), row({ secret: 's3cret' }), FIELDS, SECRETS)['secret']).toEqual({
        from: null,
        to: REDACTED,
      });
      expect(diffFields(row({ secret: 's3cret' }), row({ secret: null }), FIELDS, SECRETS)['secret']).toEqual({
        from: REDACTED,
        to: null,
      });
    });

    it('does not report an unchanged secret', () => {
      expect(diffFields(row({ secret: 'same' }), row({ secret: 'same' }), FIELDS, SECRETS)).toEqual({});
    });
  });
});
