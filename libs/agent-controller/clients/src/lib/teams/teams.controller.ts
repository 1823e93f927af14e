import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, RequestPrincipal } from '@agent-controller/core';
import {
  addTeamMemberRequestSchema,
  createTeamRequestSchema,
  deleteTeamQuerySchema,
  teamMemberParamsSchema,
  teamMemberSchema,
  teamSchema,
  updateTeamMemberRequestSchema,
  updateTeamRequestSchema,
} from '@agent-controller/shared-contracts';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { TeamsService } from './teams.service';

class TeamDto extends createZodDto(teamSchema) {}
class CreateTeamRequestDto extends createZodDto(createTeamRequestSchema) {}
class UpdateTeamRequestDto extends createZodDto(updateTeamRequestSchema) {}
class DeleteTeamQueryDto extends createZodDto(deleteTeamQuerySchema) {}
class TeamMemberDto extends createZodDto(teamMemberSchema) {}
class AddTeamMemberRequestDto extends createZodDto(addTeamMemberRequestSchema) {}
class UpdateTeamMemberRequestDto extends createZodDto(updateTeamMemberRequestSchema) {}
class TeamMemberParamsDto extends createZodDto(teamMemberParamsSchema) {}

const UPDATE_DESCRIPTION = 'Name, description and defaults (global admins and the team’s admins)';

@ApiTags('teams')
@ApiBearerAuth()
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @ZodResponse({
    status: 200,
    type: [TeamDto],
    description: 'By name: every team for global admins, else the caller’s own; empty in api-key mode',
  })
  listTeams(@CurrentPrincipal() principal: RequestPrincipal) {
    return this.teams.listTeams(principal);
  }

  @Post()
  @ZodResponse({ status: 201, type: TeamDto, description: 'Global admins only' })
  createTeam(@CurrentPrincipal() principal: RequestPrincipal, @Body() body: CreateTeamRequestDto) {
    return this.teams.createTeam(principal, body);
  }

  @Get(':id')
  @ZodResponse({ status: 200, type: TeamDto, description: 'A team the caller is in (global admins: any)' })
  getTeam(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    return this.teams.getTeam(principal, params.id);
  }

  @Post(':id')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: TeamDto, description: `${UPDATE_DESCRIPTION}; PATCH also accepted` })
  updateTeam(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: UpdateTeamRequestDto,
  ) {
    return this.teams.updateTeam(principal, params.id, body);
  }

  @Patch(':id')
  @ZodResponse({ status: 200, type: TeamDto, description: UPDATE_DESCRIPTION })
  patchTeam(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: UpdateTeamRequestDto,
  ) {
    return this.teams.updateTeam(principal, params.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a team (global admins)',
    description:
      'A team with clients answers 409 `TEAM_HAS_CLIENTS` unless `moveTo` names the team they move to first. ' +
      'Its memberships are removed with it.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  async deleteTeam(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Query() query: DeleteTeamQueryDto,
  ) {
    await this.teams.deleteTeam(principal, params.id, query.moveTo);
  }

  @Get(':id/members')
  @ZodResponse({ status: 200, type: [TeamMemberDto], description: 'In the order they joined' })
  listMembers(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    return this.teams.listMembers(principal, params.id);
  }

  @Post(':id/members')
  @ZodResponse({
    status: 201,
    type: TeamMemberDto,
    description: 'Adds an existing user by e-mail; team admins add members, only global admins appoint admins',
  })
  addMember(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: AddTeamMemberRequestDto,
  ) {
    return this.teams.addMember(principal, params.id, body);
  }

  @Post(':id/members/:membershipId')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: TeamMemberDto, description: 'Changes a member’s role (global admins)' })
  changeMemberRole(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: TeamMemberParamsDto,
    @Body() body: UpdateTeamMemberRequestDto,
  ) {
    return this.teams.changeMemberRole(principal, params.id, params.membershipId, body.role);
  }

  @Delete(':id/members/:membershipId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed; team admins remove members, global admins also admins' })
  async removeMember(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: TeamMemberParamsDto) {
    await this.teams.removeMember(principal, params.id, params.membershipId);
  }
}
