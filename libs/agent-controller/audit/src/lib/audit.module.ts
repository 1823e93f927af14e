import { Module } from '@nestjs/common';
import { AuditEventEntity } from './audit-event.entity';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { ChangeListeners } from './change-listeners';

export const AUDIT_ENTITIES = [AuditEventEntity];

/** The audit trail: every change and refusal, with actor, request id and redacted diff. */
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, ChangeListeners],
  exports: [AuditService, ChangeListeners],
})
export class AuditModule {}
