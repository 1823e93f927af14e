import { createZodDto } from 'nestjs-zod';
import {
  bulkClientRequestSchema,
  bulkClientResponseSchema,
  clientHealthEventSchema,
  clientSchema,
  clientsSummarySchema,
  clientWithSecretSchema,
  createClientRequestSchema,
  deleteClientQuerySchema,
  listClientsQuerySchema,
  rotateClientKeyRequestSchema,
  setClientStatusRequestSchema,
  updateClientRequestSchema,
  verifyClientResponseSchema,
  clientHealthStripsQuerySchema,
  clientHealthStripsSchema,
} from '@agent-controller/shared-contracts';

export class ClientDto extends createZodDto(clientSchema) {}
export class ClientWithSecretDto extends createZodDto(clientWithSecretSchema) {}
export class CreateClientRequestDto extends createZodDto(createClientRequestSchema) {}
export class UpdateClientRequestDto extends createZodDto(updateClientRequestSchema) {}
export class ListClientsQueryDto extends createZodDto(listClientsQuerySchema) {}
export class SetClientStatusRequestDto extends createZodDto(setClientStatusRequestSchema) {}
export class RotateClientKeyRequestDto extends createZodDto(rotateClientKeyRequestSchema) {}
export class BulkClientRequestDto extends createZodDto(bulkClientRequestSchema) {}
export class BulkClientResponseDto extends createZodDto(bulkClientResponseSchema) {}
export class ClientHealthEventDto extends createZodDto(clientHealthEventSchema) {}
export class VerifyClientResponseDto extends createZodDto(verifyClientResponseSchema) {}
export class DeleteClientQueryDto extends createZodDto(deleteClientQuerySchema) {}
export class ClientsSummaryDto extends createZodDto(clientsSummarySchema) {}
export class ClientHealthStripsQueryDto extends createZodDto(clientHealthStripsQuerySchema) {}
export class ClientHealthStripsDto extends createZodDto(clientHealthStripsSchema) {}
