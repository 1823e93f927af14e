export * from './lib/audit.module';
export * from './lib/audit.service';
export * from './lib/audit-diff';
export { AuditEventEntity } from './lib/audit-event.entity';
export type { AuditChanges } from './lib/audit-event.entity';
export * from './lib/change-listeners';
