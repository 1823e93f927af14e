import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, RequestPrincipal } from '@agent-controller/core';
import { ZodResponse } from 'nestjs-zod';
import { ProvisioningInfoDto } from './dto';
import { ProvisioningService } from './provisioning.service';

@ApiTags('provisioning')
@ApiBearerAuth()
@Controller('clients/:id/provisioning')
export class ClientProvisioningController {
  constructor(private readonly provisioning: ProvisioningService) {}

  @Get('info')
  @ZodResponse({ status: 200, type: ProvisioningInfoDto, description: 'Where the client’s server is (read only)' })
  info(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    return this.provisioning.info(principal, params.id);
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Server deleted at the cloud, then the client; a cloud failure is 502 and keeps both',
  })
  async deprovision(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    await this.provisioning.deprovision(principal, params.id);
  }
}
