import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, RequestPrincipal } from '@agent-controller/core';
import { apiTokenSchema, createApiTokenRequestSchema, createdApiTokenSchema } from '@agent-controller/shared-contracts';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { ApiTokensService } from './api-tokens.service';

class ApiTokenDto extends createZodDto(apiTokenSchema) {}
class CreatedApiTokenDto extends createZodDto(createdApiTokenSchema) {}
class CreateApiTokenRequestDto extends createZodDto(createApiTokenRequestSchema) {}

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Get()
  @ZodResponse({ status: 200, type: [ApiTokenDto], description: 'Your tokens, newest first (global admins: all)' })
  listTokens(@CurrentPrincipal() principal: RequestPrincipal) {
    return this.tokens.listTokens(principal);
  }

  @Post()
  @ApiOperation({
    summary: 'Create a scoped API token',
    description:
      'Use it as `Authorization: Bearer act_…` (HTTP and the Socket.IO gateway). It acts as you, as you are when ' +
      'it is used, narrowed to its access level and clients; expired, revoked or unknown: 401, from an address it ' +
      'does not allow or beyond its access: 403, each with `details.reason`. Not in api-key mode; not with a token.',
  })
  @ZodResponse({ status: 201, type: CreatedApiTokenDto, description: '`token` is shown only here' })
  createToken(@CurrentPrincipal() principal: RequestPrincipal, @Body() body: CreateApiTokenRequestDto) {
    return this.tokens.createToken(principal, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked at once (your own; global admins: anyone’s)' })
  async revokeToken(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    await this.tokens.revokeToken(principal, params.id);
  }
}
