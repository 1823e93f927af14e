import type { components } from '../generated/agent-controller-api';

type Schemas = components['schemas'];

/** Short names for the answers scripts use most, as the committed OpenAPI document describes them. */
export type ClientResponse = Schemas['ClientDto_Output'];
export type ClientWithSecretResponse = Schemas['ClientWithSecretDto_Output'];
export type CreateClientBody = Schemas['CreateClientRequestDto'];
export type BulkClientBody = Schemas['BulkClientRequestDto'];
export type BulkClientResponse = Schemas['BulkClientResponseDto_Output'];
export type VerifyClientResponse = Schemas['VerifyClientResponseDto_Output'];
export type FleetAgentResponse = Schemas['FleetAgentDto_Output'];
export type TeamResponse = Schemas['TeamDto_Output'];
export type ApiTokenResponse = Schemas['ApiTokenDto_Output'];
export type WebhookResponse = Schemas['WebhookDto_Output'];
export type WebhookDeliveryResponse = Schemas['WebhookDeliveryDto_Output'];
export type ProvisioningJobResponse = Schemas['ProvisioningJobDto_Output'];
export type TokenResponse = Schemas['TokenResponseDto_Output'];
export type PrincipalResponse = Schemas['PrincipalDto_Output'];
export type ErrorBodyResponse = Schemas['ErrorBody'];
