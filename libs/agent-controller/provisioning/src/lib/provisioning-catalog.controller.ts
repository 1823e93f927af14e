import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestPrincipal } from '@agent-controller/core';
import { ZodResponse } from 'nestjs-zod';
import {
  LocationDto,
  ProviderDto,
  ProviderParamsDto,
  ProvisioningJobDto,
  ProvisionRequestDto,
  ServerTypeDto,
  ServerTypesQueryDto,
} from './dto';
import { toProvisioningJob } from './jobs/provisioning-job.mapper';
import { ProvisioningService } from './provisioning.service';

@ApiTags('provisioning')
@ApiBearerAuth()
@Controller('clients/provisioning')
export class ProvisioningCatalogController {
  constructor(private readonly provisioning: ProvisioningService) {}

  @Get('providers')
  @ZodResponse({
    status: 200,
    type: [ProviderDto],
    description: 'Every supported cloud; `configured` when its token is set',
  })
  listProviders() {
    return this.provisioning.listProviders();
  }

  @Get('providers/:type/server-types')
  @ZodResponse({ status: 200, type: [ServerTypeDto], description: 'Server types with prices (of `location` if given)' })
  listServerTypes(@Param() params: ProviderParamsDto, @Query() query: ServerTypesQueryDto) {
    return this.provisioning.listServerTypes(params.type, query.location);
  }

  @Get('providers/:type/locations')
  @ZodResponse({ status: 200, type: [LocationDto] })
  listLocations(@Param() params: ProviderParamsDto) {
    return this.provisioning.listLocations(params.type);
  }

  @Post('provision')
  @HttpCode(202)
  @ZodResponse({
    status: 202,
    type: ProvisioningJobDto,
    description: 'The job; follow it at GET /api/provisioning/jobs/:id or over the gateway (provisioningProgress)',
  })
  async provision(@CurrentPrincipal() principal: RequestPrincipal, @Body() body: ProvisionRequestDto) {
    return toProvisioningJob(await this.provisioning.provision(principal, body));
  }
}
