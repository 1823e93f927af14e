import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestPrincipal, withTotalCount } from '@agent-controller/core';
import { auditEventSchema, auditQuerySchema } from '@agent-controller/shared-contracts';
import type { Response } from 'express';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { AuditEventEntity } from './audit-event.entity';
import { AuditService } from './audit.service';

class AuditQueryDto extends createZodDto(auditQuerySchema) {}
class AuditEventDto extends createZodDto(auditEventSchema) {}

function toAuditEventResponse(event: AuditEventEntity) {
  return { ...event, targetName: event.targetName ?? null, occurredAt: event.occurredAt.toISOString() };
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiHeader({ name: 'X-Total-Count', description: 'Total number of matching events' })
  @ZodResponse({ status: 200, type: [AuditEventDto], description: 'Newest first; global admins only' })
  async listAuditEvents(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Query() query: AuditQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const [events, total] = await this.audit.listEvents(principal, query);
    return withTotalCount(response, [events.map(toAuditEventResponse), total]);
  }
}
