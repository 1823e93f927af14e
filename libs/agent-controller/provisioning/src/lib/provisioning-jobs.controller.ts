import { Controller, Get, Headers, Header, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, Public, RequestPrincipal, withTotalCount } from '@agent-controller/core';
import type { Response } from 'express';
import { ZodResponse } from 'nestjs-zod';
import { ListProvisioningJobsQueryDto, OrphanServerDto, ProvisioningJobDto } from './dto';
import { toProvisioningJob } from './jobs/provisioning-job.mapper';
import { ServerUserData } from './jobs/server-user-data';
import { ProvisioningService } from './provisioning.service';
import { OrphanReconciler } from './reconciler/orphan.reconciler';

@ApiTags('provisioning')
@ApiBearerAuth()
@Controller('provisioning')
export class ProvisioningJobsController {
  constructor(
    private readonly provisioning: ProvisioningService,
    private readonly userData: ServerUserData,
    private readonly reconciler: OrphanReconciler,
  ) {}

  @Get('jobs')
  @ApiHeader({ name: 'X-Total-Count', description: 'Total number of matching jobs' })
  @ZodResponse({ status: 200, type: [ProvisioningJobDto], description: 'Newest first; global admins see every job' })
  async listJobs(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Query() query: ListProvisioningJobsQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const [jobs, total] = await this.provisioning.listJobs(principal, query);
    return withTotalCount(response, [jobs.map(toProvisioningJob), total]);
  }

  @Get('jobs/:id')
  @ZodResponse({ status: 200, type: ProvisioningJobDto })
  async getJob(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    return toProvisioningJob(await this.provisioning.getJob(principal, params.id));
  }

  @Get('orphans')
  @ZodResponse({
    status: 200,
    type: [OrphanServerDto],
    description: 'Global admins: servers of this controller no job or client accounts for',
  })
  listOrphans(@CurrentPrincipal() principal: RequestPrincipal) {
    return this.reconciler.listOrphans(principal);
  }

  /** Called by a new server, not by people: the single-use token from its user data is the credential. */
  @Public()
  @Get('bootstrap/:id')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: "The agent-manager's environment file (dotenv); the token works once",
    schema: { type: 'string' },
  })
  async bootstrap(
    @Param() params: IdParamsDto,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const file = await this.userData.environmentFile(params.id, authorization);
    response.type('text/plain');
    return file;
  }
}
