import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, RequestPrincipal, withTotalCount } from '@agent-controller/core';
import {
  createdWebhookSchema,
  createWebhookRequestSchema,
  updateWebhookRequestSchema,
  webhookDeliveriesQuerySchema,
  webhookDeliveryParamsSchema,
  webhookDeliverySchema,
  webhookSchema,
} from '@agent-controller/shared-contracts';
import type { Response } from 'express';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { WebhooksService } from './webhooks.service';

class WebhookDto extends createZodDto(webhookSchema) {}
class CreatedWebhookDto extends createZodDto(createdWebhookSchema) {}
class CreateWebhookRequestDto extends createZodDto(createWebhookRequestSchema) {}
class UpdateWebhookRequestDto extends createZodDto(updateWebhookRequestSchema) {}
class WebhookDeliveryDto extends createZodDto(webhookDeliverySchema) {}
class WebhookDeliveriesQueryDto extends createZodDto(webhookDeliveriesQuerySchema) {}
class WebhookDeliveryParamsDto extends createZodDto(webhookDeliveryParamsSchema) {}

const OWNERS = 'global admins (any scope) and team admins (their teams’ webhooks)';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ZodResponse({ status: 200, type: [WebhookDto], description: `The webhooks the caller owns: ${OWNERS}` })
  listWebhooks(@CurrentPrincipal() principal: RequestPrincipal) {
    return this.webhooks.listWebhooks(principal);
  }

  @Post()
  @ZodResponse({
    status: 201,
    type: CreatedWebhookDto,
    description: `Created; the signing secret is in this answer only. ${OWNERS}; a team admin names their team`,
  })
  createWebhook(@CurrentPrincipal() principal: RequestPrincipal, @Body() body: CreateWebhookRequestDto) {
    return this.webhooks.createWebhook(principal, body);
  }

  @Get(':id')
  @ZodResponse({ status: 200, type: WebhookDto, description: OWNERS })
  getWebhook(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    return this.webhooks.getWebhook(principal, params.id);
  }

  @Post(':id')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: WebhookDto, description: `Update; \`enabled: true\` re-enables. ${OWNERS}` })
  updateWebhook(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: UpdateWebhookRequestDto,
  ) {
    return this.webhooks.updateWebhook(principal, params.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and its delivery log' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async deleteWebhook(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    await this.webhooks.deleteWebhook(principal, params.id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ZodResponse({
    status: 200,
    type: WebhookDeliveryDto,
    description: 'Sends a `ping` event now and answers with its delivery (retried like any other when it failed)',
  })
  testWebhook(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    return this.webhooks.testWebhook(principal, params.id);
  }

  @Get(':id/deliveries')
  @ApiHeader({ name: 'X-Total-Count', description: 'Total number of deliveries of the webhook' })
  @ZodResponse({ status: 200, type: [WebhookDeliveryDto], description: 'Newest first, with every attempt' })
  async listWebhookDeliveries(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Query() query: WebhookDeliveriesQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return withTotalCount(response, await this.webhooks.listDeliveries(principal, params.id, query));
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ZodResponse({
    status: 202,
    type: WebhookDeliveryDto,
    description: 'The same payload queued again as a new delivery, sent within a poll interval',
  })
  redeliverWebhookDelivery(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: WebhookDeliveryParamsDto) {
    return this.webhooks.redeliver(principal, params.id, params.deliveryId);
  }
}
