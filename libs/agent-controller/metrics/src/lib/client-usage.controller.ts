import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, RequestPrincipal } from '@agent-controller/core';
import { clientUsageSchema } from '@agent-controller/shared-contracts';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { ClientUsageService } from './client-usage.service';

class ClientUsageDto extends createZodDto(clientUsageSchema) {}

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class ClientUsageController {
  constructor(private readonly usage: ClientUsageService) {}

  @Get(':id/usage')
  @ZodResponse({
    status: 200,
    type: ClientUsageDto,
    description:
      'Proxied calls of the last 24 UTC hours (the current one included), oldest first; from the database, ' +
      'so the same on every replica and at most USAGE_FLUSH_INTERVAL_MS behind',
  })
  getClientUsage(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    return this.usage.getClientUsage(principal, params.id);
  }
}
