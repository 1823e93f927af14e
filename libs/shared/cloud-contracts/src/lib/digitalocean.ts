import type { components, operations, paths } from '../generated/digitalocean-v2';

/**
 * DigitalOcean API v2: the types of the operations the provisioning adapter calls, generated from
 * `openapi/digitalocean-v2-provisioning-subset.openapi.json` (see the README for the deviations below).
 */
export type { components as DigitalOceanComponents, operations as DigitalOceanOperations, paths as DigitalOceanPaths };

type Schemas = components['schemas'];
type JsonBody<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

/** The origin; every path starts with `/v2/`. */
export const DIGITALOCEAN_API_BASE_URL = 'https://api.digitalocean.com';
/** `user_data`: plain text, at most 64 KiB. */
export const DIGITALOCEAN_USER_DATA_MAX_BYTES = 64 * 1024;
export const DIGITALOCEAN_UBUNTU_24_04_IMAGE = 'ubuntu-24-04-x64';
export const DIGITALOCEAN_PAGINATION = { defaultPerPage: 20, maxPerPage: 200 } as const;

/**
 * The spec's enum is `new | active | false | archive`: its YAML source says `off` unquoted, which YAML 1.1
 * reads as a boolean. The API sends the string `off`.
 */
export type DoDropletStatus = 'new' | 'active' | 'off' | 'archive';
export type DoDroplet = Omit<Schemas['droplet'], 'status'> & { status: DoDropletStatus };
export type DoNetworkV4 = Schemas['droplet']['networks']['v4'] extends (infer Item)[] | undefined ? Item : never;
export type DoNetworkV6 = Schemas['droplet']['networks']['v6'] extends (infer Item)[] | undefined ? Item : never;
export type DoImage = Schemas['droplet']['image'];
export type DoSize = Schemas['size'];
export type DoRegion = Schemas['region'];
export type DoAction = Schemas['action'];
export type DoActionStatus = NonNullable<DoAction['status']>;
export type DoAccount = Schemas['account'];
export type DoError = Schemas['error'];
export type DoPaginationLinks = Schemas['pagination'];
export type DoMeta = Schemas['meta'];

type CreateDropletBody = JsonBody<NonNullable<operations['droplets_create']['requestBody']>>;
/** Either a single create (`name`) or a multi-create (`names`, up to 10). */
export type DoCreateDropletRequest = CreateDropletBody;
export type DoCreateSingleDropletRequest = Extract<CreateDropletBody, { name: string }>;
export interface DoCreateDropletLinks {
  actions?: { id?: number; rel?: string; href?: string }[];
}
export interface DoCreateSingleDropletResponse {
  droplet: DoDroplet;
  links: DoCreateDropletLinks;
}
export interface DoCreateMultipleDropletsResponse {
  droplets: DoDroplet[];
  links: DoCreateDropletLinks;
}
export type DoCreateDropletResponse = DoCreateSingleDropletResponse | DoCreateMultipleDropletsResponse;
export interface DoGetDropletResponse {
  droplet: DoDroplet;
}
export type DoListDropletsQuery = NonNullable<operations['droplets_list']['parameters']['query']>;
export type DoListDropletsResponse = { droplets?: DoDroplet[] } & DoPaginationLinks & DoMeta;
export type DoListSizesResponse = JsonBody<operations['sizes_list']['responses'][200]>;
export type DoListRegionsResponse = JsonBody<operations['regions_list']['responses'][200]>;
export type DoGetAccountResponse = JsonBody<operations['account_get']['responses'][200]>;
export type DoGetActionResponse = JsonBody<operations['actions_get']['responses'][200]>;

/** `error.id` values and the status each belongs to. */
export const DIGITALOCEAN_ERROR_IDS = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'server_error',
} as const;
