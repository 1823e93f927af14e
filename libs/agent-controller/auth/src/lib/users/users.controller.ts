import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, PagingQueryDto, withTotalCount } from '@agent-controller/core';
import type { Response } from 'express';
import { ZodResponse } from 'nestjs-zod';
import type { AuthenticatedPrincipal } from '../authentication/principal';
import { CreateUserRequestDto, UpdateUserRequestDto, UserDto } from '../dto';
import { toUserResponse } from './user.mapper';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiHeader({ name: 'X-Total-Count', description: 'Total number of users' })
  @ZodResponse({ status: 200, type: [UserDto] })
  async listUsers(
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Query() query: PagingQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const [users, total] = await this.users.listUsers(principal, query);
    return withTotalCount(response, [users.map(toUserResponse), total]);
  }

  @Post()
  @ZodResponse({ status: 201, type: UserDto })
  async createUser(@CurrentPrincipal() principal: AuthenticatedPrincipal, @Body() body: CreateUserRequestDto) {
    return toUserResponse(await this.users.createUser(principal, body));
  }

  @Get(':id')
  @ZodResponse({ status: 200, type: UserDto })
  async getUser(@CurrentPrincipal() principal: AuthenticatedPrincipal, @Param() params: IdParamsDto) {
    return toUserResponse(await this.users.getUser(principal, params.id));
  }

  @Post(':id')
  @HttpCode(200)
  @ZodResponse({
    status: 200,
    type: UserDto,
    description: 'Update (POST, as the rest of the API; PATCH also accepted)',
  })
  async updateUser(
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: UpdateUserRequestDto,
  ) {
    return toUserResponse(await this.users.updateUser(principal, params.id, body));
  }

  @Patch(':id')
  @ZodResponse({ status: 200, type: UserDto })
  patchUser(
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: UpdateUserRequestDto,
  ) {
    return this.updateUser(principal, params, body);
  }

  @Post(':id/lock')
  @HttpCode(200)
  @ZodResponse({
    status: 200,
    type: UserDto,
    description: 'Lock: the user is refused at once. Your own account: 409 SELF_CHANGE_REFUSED',
  })
  async lockUser(@CurrentPrincipal() principal: AuthenticatedPrincipal, @Param() params: IdParamsDto) {
    return toUserResponse(await this.users.setLocked(principal, params.id, true));
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @ZodResponse({
    status: 200,
    type: UserDto,
    description: 'Unlock: ends an admin lock and a lock that failed log-ins put on the account (LOGIN_LOCKED)',
  })
  async unlockUser(@CurrentPrincipal() principal: AuthenticatedPrincipal, @Param() params: IdParamsDto) {
    return toUserResponse(await this.users.setLocked(principal, params.id, false));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted. Your own account: 409 SELF_CHANGE_REFUSED' })
  async deleteUser(@CurrentPrincipal() principal: AuthenticatedPrincipal, @Param() params: IdParamsDto) {
    await this.users.deleteUser(principal, params.id);
  }
}
