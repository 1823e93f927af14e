import { createZodDto } from 'nestjs-zod';
import { pagingQuerySchema, uuidParamSchema } from '@agent-controller/shared-contracts';

export class PagingQueryDto extends createZodDto(pagingQuerySchema) {}
export class IdParamsDto extends createZodDto(uuidParamSchema) {}
