import type { components, operations, paths } from '../generated/hetzner-cloud-v1';

/**
 * Hetzner Cloud API v1: the types of the operations the provisioning adapter calls, generated from
 * `openapi/hetzner-cloud-v1.openapi.json` (see the README for the subset and the deviations below).
 */
export type { components as HetznerComponents, operations as HetznerOperations, paths as HetznerPaths };

type Schemas = components['schemas'];

export const HETZNER_API_BASE_URL = 'https://api.hetzner.cloud/v1';
/** `user_data` is "limited to 32KiB" (create_server_request). */
export const HETZNER_USER_DATA_MAX_BYTES = 32 * 1024;
export const HETZNER_UBUNTU_24_04_IMAGE = 'ubuntu-24.04';
export const HETZNER_PAGINATION = { defaultPerPage: 25, maxPerPage: 50 } as const;

/**
 * A server as the live API returns it. The kept spec still requires `datacenter`, which Hetzner removed from
 * server objects on 2026-07-01; here it is optional, so code that reads it has to cope with its absence.
 */
export type HetznerServer = Omit<Schemas['server'], 'datacenter'> & {
  /** @deprecated Removed from the live API on 2026-07-01; use `location`. */
  datacenter?: Schemas['server']['datacenter'];
};
export type HetznerServerStatus = Schemas['server']['status'];
export type HetznerServerPublicNet = Schemas['server_public_net'];
export type HetznerIpv4 = Schemas['ipv4'];
export type HetznerIpv6 = Schemas['ipv6'];

export type HetznerCreateServerRequest = Schemas['create_server_request'];
export type HetznerCreateServerResponse = Omit<Schemas['create_server_response'], 'server'> & {
  server: HetznerServer;
};
export interface HetznerGetServerResponse {
  server: HetznerServer;
}
export interface HetznerListServersResponse {
  servers: HetznerServer[];
  meta: HetznerListMeta;
}
export type HetznerListServersQuery = NonNullable<operations['list_servers']['parameters']['query']>;
export type HetznerDeleteServerResponse = Schemas['delete_server_response'];

export type HetznerAction = Schemas['action'];
export type HetznerActionStatus = HetznerAction['status'];
export type HetznerGetActionResponse = Schemas['get_action_response'];

export type HetznerServerType = Schemas['server_type'];
export type HetznerServerTypeLocation = Schemas['server_type_location'];
export type HetznerPricePerTime = Schemas['price_per_time'];
export type HetznerListServerTypesResponse = Schemas['list_server_types_response'];
export type HetznerLocation = Schemas['location'];
export type HetznerListLocationsResponse = Schemas['list_locations_response'];
export type HetznerImage = Schemas['image'];
export type HetznerLabels = Schemas['labels'];

export type HetznerListMeta = Schemas['meta'];
export type HetznerPagination = Schemas['pagination'];

/** `details` is an object whose shape depends on the code (e.g. `fields` for `invalid_input`). */
export interface HetznerErrorResponse {
  error: Omit<Schemas['error_response']['error'], 'details'> & { details?: Record<string, unknown> | null };
}
/** The `error.code` values of the official error table (plus the create-server specific ones). */
export type HetznerErrorCode =
  | 'json_error'
  | 'unauthorized'
  | 'token_readonly'
  | 'forbidden'
  | 'maintenance'
  | 'resource_limit_exceeded'
  | 'not_found'
  | 'method_not_allowed'
  | 'uniqueness_error'
  | 'conflict'
  | 'deprecated_api_endpoint'
  | 'resource_unavailable'
  | 'invalid_input'
  | 'service_error'
  | 'unsupported_error'
  | 'locked'
  | 'protected'
  | 'rate_limit_exceeded'
  | 'server_error'
  | 'unavailable'
  | 'timeout'
  | 'placement_error'
  | 'primary_ip_assigned'
  | 'primary_ip_datacenter_mismatch'
  | 'primary_ip_version_mismatch';
/** The codes the official Go client retries with backoff (it also retries raw 502/504 and network timeouts). */
export const HETZNER_RETRYABLE_ERROR_CODES: readonly string[] = [
  'conflict',
  'rate_limit_exceeded',
  'bad_gateway',
  'timeout',
];
