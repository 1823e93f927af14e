import {
  listProvisioningJobsQuerySchema,
  locationSchema,
  orphanServerSchema,
  providerParamsSchema,
  providerSchema,
  provisioningInfoSchema,
  provisioningJobSchema,
  provisionRequestSchema,
  serverTypeSchema,
  serverTypesQuerySchema,
} from '@agent-controller/shared-contracts';
import { createZodDto } from 'nestjs-zod';

export class ProviderDto extends createZodDto(providerSchema) {}
export class ProviderParamsDto extends createZodDto(providerParamsSchema) {}
export class ServerTypesQueryDto extends createZodDto(serverTypesQuerySchema) {}
export class ServerTypeDto extends createZodDto(serverTypeSchema) {}
export class LocationDto extends createZodDto(locationSchema) {}
export class ProvisionRequestDto extends createZodDto(provisionRequestSchema) {}
export class ProvisioningJobDto extends createZodDto(provisioningJobSchema) {}
export class ListProvisioningJobsQueryDto extends createZodDto(listProvisioningJobsQuerySchema) {}
export class ProvisioningInfoDto extends createZodDto(provisioningInfoSchema) {}
export class OrphanServerDto extends createZodDto(orphanServerSchema) {}
