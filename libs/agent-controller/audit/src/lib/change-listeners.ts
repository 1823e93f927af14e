import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditEntry } from './audit.service';

/** A change told to listeners inside the transaction that makes it. */
export type RecordedChange =
  | { kind: 'audit'; entry: AuditEntry }
  | { kind: 'health'; clientId: string; from: string; to: string; reason: string | null; at: Date };

/**
 * Runs in the changing transaction (or, for changes made outside one, with no manager): what it writes commits or
 * rolls back with the change itself. An outbox is written this way, so an event is never lost nor sent for a
 * change that did not happen.
 */
export type ChangeListener = (changes: readonly RecordedChange[], manager: EntityManager | undefined) => Promise<void>;

/** In-transaction listeners of audited changes and health transitions (webhooks' outbox). */
@Injectable()
export class ChangeListeners {
  private readonly listeners: ChangeListener[] = [];

  listen(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  async told(changes: readonly RecordedChange[], manager?: EntityManager): Promise<void> {
    if (changes.length === 0) return;
    for (const listener of this.listeners) await listener(changes, manager);
  }
}
