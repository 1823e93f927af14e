import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  IdParamsDto,
  PagingQueryDto,
  RequestPrincipal,
  withTotalCount,
} from '@agent-controller/core';
import type { Response } from 'express';
import { ZodResponse } from 'nestjs-zod';
import { toClientHealth, toClientResponse } from './client.mapper';
import { ClientsService, ClientWithKey } from './clients.service';
import {
  BulkClientRequestDto,
  BulkClientResponseDto,
  ClientDto,
  ClientHealthEventDto,
  ClientHealthStripsDto,
  ClientHealthStripsQueryDto,
  ClientsSummaryDto,
  ClientWithSecretDto,
  CreateClientRequestDto,
  DeleteClientQueryDto,
  ListClientsQueryDto,
  RotateClientKeyRequestDto,
  SetClientStatusRequestDto,
  UpdateClientRequestDto,
  VerifyClientResponseDto,
} from './dto';

function withKey({ apiKey, ...view }: ClientWithKey) {
  return { ...toClientResponse(view), ...(apiKey ? { apiKey } : {}) };
}

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Get()
  @ApiHeader({ name: 'X-Total-Count', description: 'Total number of matching clients' })
  @ZodResponse({
    status: 200,
    type: [ClientDto],
    description: 'Newest first unless `sort` says otherwise; from the database only, never calls a remote',
  })
  async listClients(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Query() query: ListClientsQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const [clients, total] = await this.clients.listClients(principal, query);
    return withTotalCount(response, [clients.map(toClientResponse), total]);
  }

  @Post()
  @ZodResponse({
    status: 201,
    type: ClientWithSecretDto,
    description: 'Created and verified; `health` says whether the remote answered. `apiKey` is shown only here.',
  })
  async createClient(@CurrentPrincipal() principal: RequestPrincipal, @Body() body: CreateClientRequestDto) {
    return withKey(await this.clients.createClient(principal, body));
  }

  // Declared before ":id" routes so "bulk" is not taken for an id.
  @Post('bulk')
  @HttpCode(200)
  @ApiOperation({
    summary: 'One action on many clients',
    description:
      'The clients are `ids` (up to 500) or, instead, the visible clients that the filters of `GET /api/clients` ' +
      '(`selector`, `environment`, `status`, `health`, `search`) match, newest first; both or neither is 400 naming ' +
      '`ids`. A filter run takes at most 5,000 clients: more answers 422 `BULK_TOO_MANY_CLIENTS` with ' +
      '`details.matched` and `details.limit`, and nothing is done (narrow the filters or run it in parts). ' +
      'Clients the caller cannot see are never selected; one they may see but not manage gets `forbidden`. ' +
      '`set_environment` takes `targetEnvironment` (a configured environment), `add_labels` takes `labels` (merged; ' +
      'a client that would pass 20 labels gets `VALIDATION_FAILED`), `remove_labels` takes `labelKeys`. Each ' +
      'change is audited per client (`client.update` with `details.bulk`).',
  })
  @ZodResponse({
    status: 200,
    type: BulkClientResponseDto,
    description: 'One result per client, in the order given (filter runs: newest first); dryRun changes nothing',
  })
  bulkUpdateClients(@CurrentPrincipal() principal: RequestPrincipal, @Body() body: BulkClientRequestDto) {
    return this.clients.bulkUpdateClients(principal, body);
  }

  // Declared before ":id" so "summary" is not taken for an id.
  @Get('summary')
  @ApiOperation({
    summary: 'Fleet overview',
    description:
      'Counts of the clients the caller may see by health state and by status, the clients whose health changed ' +
      'in the last hour, and the running provisioning jobs (global admins: all; others: the ones they started). ' +
      'One database query; never calls a remote.',
  })
  @ZodResponse({ status: 200, type: ClientsSummaryDto })
  summarizeClients(@CurrentPrincipal() principal: RequestPrincipal) {
    return this.clients.summarizeClients(principal);
  }

  // Declared before ":id" routes, like "summary".
  @Get('health/strips')
  @ApiOperation({
    summary: 'Health strips of many clients',
    description:
      'For each listed client the caller may see, its worst health state in each of the last 24 clock hours ' +
      '(from the health history; hours before the client was added are null), for a page of the clients list in ' +
      'one request. One database query; never calls a remote. Ids the caller may not see are left out.',
  })
  @ZodResponse({ status: 200, type: ClientHealthStripsDto })
  listHealthStrips(@CurrentPrincipal() principal: RequestPrincipal, @Query() query: ClientHealthStripsQueryDto) {
    return this.clients.healthStrips(principal, query.ids);
  }

  @Get(':id')
  @ZodResponse({ status: 200, type: ClientDto })
  async getClient(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    return toClientResponse(await this.clients.getClient(principal, params.id));
  }

  @Post(':id')
  @HttpCode(200)
  @ZodResponse({
    status: 200,
    type: ClientDto,
    description: 'Update (PATCH also accepted); re-verifies when the connection changed',
  })
  async updateClient(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: UpdateClientRequestDto,
  ) {
    return toClientResponse(await this.clients.updateClient(principal, params.id, body));
  }

  @Patch(':id')
  @ZodResponse({ status: 200, type: ClientDto })
  patchClient(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: UpdateClientRequestDto,
  ) {
    return this.updateClient(principal, params, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a client',
    description:
      'A client whose remote runs on a cloud server made by provisioning needs `?server=`: `delete` deletes the ' +
      'server at its cloud, then the client (a cloud failure answers 502 and keeps both); `keep` deletes only the ' +
      'client and lists the server under `GET /api/provisioning/orphans` (it keeps running and being billed). ' +
      'Without it the answer is 409 `CLIENT_HAS_SERVER` naming the server and both choices. Other clients delete ' +
      'as they are (the parameter is accepted and ignored). Bulk delete leaves clients on servers alone and ' +
      'reports them as `CLIENT_HAS_SERVER` unless the bulk request says `server`.',
  })
  @ApiNoContentResponse({ description: 'Deleted (and the server deleted or kept, as asked)' })
  async deleteClient(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Query() query: DeleteClientQueryDto,
  ) {
    await this.clients.deleteClient(principal, params.id, query.server);
  }

  @Post(':id/verify')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: VerifyClientResponseDto, description: 'Checks the remote now' })
  async verifyClient(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    const client = await this.clients.verifyClient(principal, params.id);
    return { health: toClientHealth(client), config: client.config };
  }

  @Post(':id/rotate-key')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Store the remote’s new API key',
    description:
      'The key belongs to the remote agent-manager (its STATIC_API_KEY): change it there first, then send it here. ' +
      '`apiKey` is required (400 naming it when missing). The controller checks the new key with the remote before ' +
      'storing it. When the remote refuses it (`auth_failed`), cannot be reached (`unreachable`) or answers ' +
      'otherwise without accepting it, the old key is kept and the answer is 409 `KEY_NOT_ACCEPTED` with ' +
      '`details.remote` = {state, reason, status}. `force: true` stores the key anyway; the answer’s `health` then ' +
      'shows what the remote said (e.g. `auth_failed`). An inactive client is never called: rotating it needs ' +
      '`force: true` (else 409 `CLIENT_INACTIVE`) and leaves its health as it was. Keycloak clients have no key: 409 ' +
      '`CONFLICT` (change `keycloakClientSecret` with an update). Audited as `client.rotate_key`, key redacted.',
  })
  @ZodResponse({
    status: 200,
    type: ClientWithSecretDto,
    description: 'Stored; `health` is the check made with the new key',
  })
  async rotateClientKey(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: RotateClientKeyRequestDto,
  ) {
    return withKey(await this.clients.rotateClientKey(principal, params.id, body));
  }

  @Post(':id/status')
  @HttpCode(200)
  @ZodResponse({
    status: 200,
    type: ClientDto,
    description: 'Activate or deactivate; inactive clients are never called',
  })
  async setClientStatus(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: SetClientStatusRequestDto,
  ) {
    return toClientResponse(await this.clients.setClientStatus(principal, params.id, body.status));
  }

  @Get(':id/health/history')
  @ApiHeader({ name: 'X-Total-Count', description: 'Total number of health changes' })
  @ZodResponse({ status: 200, type: [ClientHealthEventDto], description: 'Health state changes, newest first' })
  async listHealthHistory(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Query() query: PagingQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const [events, total] = await this.clients.listHealthHistory(principal, params.id, query);
    return withTotalCount(response, [
      events.map((event) => ({
        id: event.id,
        from: event.from,
        to: event.to,
        reason: event.reason,
        at: event.at.toISOString(),
      })),
      total,
    ]);
  }
}
