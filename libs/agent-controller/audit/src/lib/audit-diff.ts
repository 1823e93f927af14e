import { AuditChanges } from './audit-event.entity';

export const REDACTED = '[redacted]';

function comparable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * The fields that differ between two snapshots. Secret fields say only that they changed: the trail
 * must never become a second copy of the credentials.
 */
export function diffFields<T extends object>(
  before: Partial<T> | null,
  after: Partial<T> | null,
  fields: readonly (keyof T & string)[],
  secretFields: readonly (keyof T & string)[] = [],
): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of fields) {
    const from = comparable(before?.[field]);
    const to = comparable(after?.[field]);
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    changes[field] = secretFields.includes(field)
      ? {
          ...(before ? { from: from == null ? null : REDACTED } : {}),
          ...(after ? { to: to == null ? null : REDACTED } : {}),
        }
      : { ...(before ? { from: from ?? null } : {}), ...(after ? { to: to ?? null } : {}) };
  }
  return changes;
}
