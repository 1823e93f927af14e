import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, RequestPrincipal } from '@agent-controller/core';
import { clientUsageSchema, topUsageQuerySchema, topUsageSchema } from '@agent-controller/shared-contracts';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { ClientUsageService } from './client-usage.service';

class ClientUsageDto extends createZodDto(clientUsageSchema) {}
class TopUsageQueryDto extends createZodDto(topUsageQuerySchema) {}
class TopUsageDto extends createZodDto(topUsageSchema) {}

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class ClientUsageController {
  constructor(private readonly usage: ClientUsageService) {}

  // Two segments, so `GET /clients/:id` never takes "usage" for an id; declared first all the same.
  @Get('usage/top')
  @ApiOperation({
    summary: 'Busiest clients',
    description:
      'The clients the caller may see (global admins and the API key: all; others: the ones they created or are ' +
      'members of) ranked by proxied calls or errors summed over the last `hours` UTC hours, the current one ' +
      'included. One database query over the hourly usage; never calls a remote.',
  })
  @ZodResponse({ status: 200, type: TopUsageDto })
  getTopUsage(@CurrentPrincipal() principal: RequestPrincipal, @Query() query: TopUsageQueryDto) {
    return this.usage.getTopUsage(principal, query);
  }

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
