import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestPrincipal } from '@agent-controller/core';
import {
  agentFileParamsSchema,
  agentParamsSchema,
  createFileRequestSchema,
  fileContextQuerySchema,
  listFilesQuerySchema,
  moveFileRequestSchema,
  writeFileRequestSchema,
} from '@agent-controller/shared-contracts';
import type { ClientAction } from '@agent-controller/clients';
import type { Response } from 'express';
import { createZodDto } from 'nestjs-zod';
import { AuditedAgentOperation } from './agent-audit';
import { relay } from './relay';
import { RemoteAgentsService } from './remote-agents.service';

class AgentParamsDto extends createZodDto(agentParamsSchema) {}
class AgentFileParamsDto extends createZodDto(agentFileParamsSchema) {}
class FileContextQueryDto extends createZodDto(fileContextQuerySchema) {}
class ListFilesQueryDto extends createZodDto(listFilesQuerySchema) {}
class WriteFileRequestDto extends createZodDto(writeFileRequestSchema) {}
class CreateFileRequestDto extends createZodDto(createFileRequestSchema) {}
class MoveFileRequestDto extends createZodDto(moveFileRequestSchema) {}

/** The agent's configuration files need management rights; its app files are open to every member (DESIGN §4). */
function fileAction(context: 'app' | 'config', writing: boolean): ClientAction {
  if (context === 'config') return 'configure';
  return writing ? 'operate' : 'read';
}

function filePath(params: AgentFileParamsDto, context: string): string {
  return `/agents/${params.agentId}/files/${params.path.map(encodeURIComponent).join('/')}?context=${context}`;
}

@ApiTags('agents')
@ApiBearerAuth()
@Controller('clients/:id/agents/:agentId/files')
export class RemoteFilesController {
  constructor(private readonly agents: RemoteAgentsService) {}

  @Get()
  async listFiles(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Query() query: ListFilesQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const search = new URLSearchParams({ context: query.context, ...(query.path ? { path: query.path } : {}) });
    const path = `/agents/${params.agentId}/files?${search}`;
    return relay(
      response,
      await this.agents.forward(principal, params.id, fileAction(query.context, false), 'GET', path),
    );
  }

  @Get('*path')
  async readFile(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentFileParamsDto,
    @Query() query: FileContextQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const action = fileAction(query.context, false);
    return relay(
      response,
      await this.agents.forward(principal, params.id, action, 'GET', filePath(params, query.context)),
    );
  }

  @Put('*path')
  @AuditedAgentOperation('agent.file.write')
  async writeFile(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentFileParamsDto,
    @Query() query: FileContextQueryDto,
    @Body() body: WriteFileRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const action = fileAction(query.context, true);
    return relay(
      response,
      await this.agents.forward(principal, params.id, action, 'PUT', filePath(params, query.context), body),
    );
  }

  @Post('*path')
  @AuditedAgentOperation('agent.file.create')
  async createFile(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentFileParamsDto,
    @Query() query: FileContextQueryDto,
    @Body() body: CreateFileRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const action = fileAction(query.context, true);
    return relay(
      response,
      await this.agents.forward(principal, params.id, action, 'POST', filePath(params, query.context), body),
    );
  }

  @Patch('*path')
  @AuditedAgentOperation('agent.file.move')
  async moveFile(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentFileParamsDto,
    @Query() query: FileContextQueryDto,
    @Body() body: MoveFileRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const action = fileAction(query.context, true);
    return relay(
      response,
      await this.agents.forward(principal, params.id, action, 'PATCH', filePath(params, query.context), body),
    );
  }

  @Delete('*path')
  @AuditedAgentOperation('agent.file.delete')
  async deleteFile(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentFileParamsDto,
    @Query() query: FileContextQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const action = fileAction(query.context, true);
    return relay(
      response,
      await this.agents.forward(principal, params.id, action, 'DELETE', filePath(params, query.context)),
    );
  }
}
