import { Injectable, Logger, Optional } from '@nestjs/common';
import { currentRequestContext, DomainError, RequestPrincipal } from '@agent-controller/core';
import { AuditOutcome, AuditQuery } from '@agent-controller/shared-contracts';
import { EntityManager } from 'typeorm';
import { AuditChanges, AuditEventEntity } from './audit-event.entity';
import { AuditRepository } from './audit.repository';
import { ChangeListeners } from './change-listeners';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | null;
  outcome?: AuditOutcome;
  changes?: AuditChanges;
  details?: Record<string, unknown>;
  /** Overrides the request's principal, e.g. for log-in where the guard has not run. */
  actor?: { id: string | null; email: string | null };
}

/** Writes the audit trail. Changes are recorded with the caller's manager, in the same transaction. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly events: AuditRepository,
    @Optional() private readonly listeners: ChangeListeners = new ChangeListeners(),
  ) {}

  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await this.events.insert(this.toEvent(entry), manager);
    await this.listeners.told([{ kind: 'audit', entry }], manager);
  }

  /** One event per entry, written together (a bulk change of many clients) in the caller's transaction. */
  async recordMany(entries: AuditEntry[], manager: EntityManager): Promise<void> {
    if (entries.length === 0) return;
    await this.events.insertMany(
      entries.map((entry) => this.toEvent(entry)),
      manager,
    );
    await this.listeners.told(
      entries.map((entry) => ({ kind: 'audit' as const, entry })),
      manager,
    );
  }

  private toEvent(entry: AuditEntry): Partial<AuditEventEntity> {
    const context = currentRequestContext();
    const principal = context?.principal;
    const actorType = entry.actor ? 'user' : (principal?.kind ?? 'system');
    return {
      actorType,
      actorId: entry.actor ? entry.actor.id : (principal?.userId ?? null),
      actorEmail: entry.actor ? entry.actor.email : (principal?.email ?? null),
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      outcome: entry.outcome ?? 'success',
      requestId: context?.requestId ?? null,
      ip: context?.ip ?? null,
      changes: entry.changes && Object.keys(entry.changes).length > 0 ? entry.changes : null,
      details: entry.details ?? null,
    };
  }

  /** For outcomes with no transaction to join (failed log-ins, refusals): never let auditing break the answer. */
  async recordOutsideTransaction(entry: AuditEntry): Promise<void> {
    try {
      await this.record(entry);
    } catch (error) {
      this.logger.error({ err: error, action: entry.action }, 'Could not write audit event');
    }
  }

  async listEvents(principal: RequestPrincipal, query: AuditQuery): Promise<[AuditEventEntity[], number]> {
    if (!principal.isGlobalAdmin) throw new DomainError('FORBIDDEN', 'Only global admins read the audit trail');
    return this.events.findPage(query);
  }
}
