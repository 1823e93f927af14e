import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, RequestPrincipal } from '@agent-controller/core';
import {
  addClientUserRequestSchema,
  clientUserParamsSchema,
  clientUserSchema,
  listClientUsersQuerySchema,
  updateClientUserRequestSchema,
} from '@agent-controller/shared-contracts';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { ClientUsersService } from './client-users.service';

class AddClientUserRequestDto extends createZodDto(addClientUserRequestSchema) {}
class UpdateClientUserRequestDto extends createZodDto(updateClientUserRequestSchema) {}
class ClientUserDto extends createZodDto(clientUserSchema) {}
class ClientUserParamsDto extends createZodDto(clientUserParamsSchema) {}
class ListClientUsersQueryDto extends createZodDto(listClientUsersQuerySchema) {}

@ApiTags('client users')
@ApiBearerAuth()
@Controller('clients/:id/users')
export class ClientUsersController {
  constructor(private readonly clientUsers: ClientUsersService) {}

  @Get()
  @ZodResponse({
    status: 200,
    type: [ClientUserDto],
    description:
      'The members in the order they joined; with `?include=creator` the creator first (role `creator`). ' +
      'In api-key mode (users play no role) always empty.',
  })
  listClientUsers(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Query() query: ListClientUsersQueryDto,
  ) {
    return this.clientUsers.listClientUsers(principal, params.id, { includeCreator: query.include === 'creator' });
  }

  @Post()
  @ZodResponse({ status: 201, type: ClientUserDto, description: 'Adds an existing user by e-mail' })
  addClientUser(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: AddClientUserRequestDto,
  ) {
    return this.clientUsers.addClientUser(principal, params.id, body);
  }

  @Post(':relationshipId')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: ClientUserDto, description: "Changes a member's role" })
  changeClientUserRole(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: ClientUserParamsDto,
    @Body() body: UpdateClientUserRequestDto,
  ) {
    return this.clientUsers.changeClientUserRole(principal, params.id, params.relationshipId, body.role);
  }

  @Delete(':relationshipId')
  @HttpCode(204)
  async removeClientUser(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: ClientUserParamsDto) {
    await this.clientUsers.removeClientUser(principal, params.id, params.relationshipId);
  }
}
