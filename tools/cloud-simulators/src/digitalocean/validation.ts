import {
  DIGITALOCEAN_USER_DATA_MAX_BYTES,
  type DoImage,
  type DoRegion,
  type DoSize,
} from '@agent-controller/shared-cloud-contracts';

import { isPlainObject } from '../core/http';

import { DO_IMAGES, DO_REGIONS, DO_SIZES } from './catalogue';
import { badRequest, unprocessable } from './profile';

/** What a droplet keeps beside the provider-neutral machine. */
export interface DigitalOceanAttrs {
  size: DoSize;
  region: DoRegion;
  image: DoImage;
  tags: string[];
  ipv6: boolean;
  monitoring: boolean;
  backups: boolean;
  publicNetworking: boolean;
  vpcUuid: string;
}

export interface DigitalOceanCreatePlan {
  names: string[];
  /** `names` was sent (the response then lists `droplets`). */
  multiple: boolean;
  attrs: DigitalOceanAttrs;
  userData: string | null;
}

const NAME = /^[a-zA-Z0-9]?[a-z0-9A-Z.-]*[a-z0-9A-Z]$/;
const TAG = /^[a-zA-Z0-9_\-:]+$/;
const MAX_NAMES = 10;

function optionalBoolean(body: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw unprocessable(`${key} must be a boolean.`);
  return value;
}

function checkNames(body: Record<string, unknown>): { names: string[]; multiple: boolean } {
  const { name, names } = body;
  if (name !== undefined && names !== undefined) {
    throw unprocessable('Specify either name or names, not both.');
  }
  const multiple = names !== undefined;
  const list = multiple ? names : name === undefined ? [] : [name];
  if (!Array.isArray(list) || list.length === 0) {
    throw unprocessable('You must specify a name (or names) for the Droplet.');
  }
  if (list.length > MAX_NAMES) {
    throw unprocessable(`You can create at most ${MAX_NAMES} Droplets at once.`);
  }
  for (const item of list) {
    if (typeof item !== 'string' || item.length > 255 || !NAME.test(item)) {
      throw unprocessable('Name is invalid. Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)');
    }
  }
  return { names: list as string[], multiple };
}

/** The region for a slug, or a slug prefix such as `nyc` (any datacenter of it); none given: the first. */
function pickRegion(value: unknown): DoRegion {
  if (value === undefined || value === null) return DO_REGIONS[0] as DoRegion;
  const region =
    typeof value === 'string'
      ? (DO_REGIONS.find((item) => item.slug === value) ??
        DO_REGIONS.find((item) => item.slug.replace(/\d+$/, '') === value))
      : undefined;
  if (!region) throw unprocessable('You specified an invalid region for Droplet creation.');
  return region;
}

/**
 * Checks a create-droplet body the way the API does: the first problem wins, as 422 `unprocessable_entity`
 * (a body that is not an object: 400). Names need not be unique.
 */
export function planCreateDroplet(body: unknown): DigitalOceanCreatePlan {
  if (!isPlainObject(body)) {
    throw badRequest('The request body must be a JSON object.');
  }
  const { names, multiple } = checkNames(body);
  if (body['size'] === undefined || body['size'] === null) throw unprocessable('You must specify a size.');
  const size = DO_SIZES.find((item) => item.slug === body['size']);
  if (!size) throw unprocessable('You specified an invalid size for Droplet creation.');
  if (body['image'] === undefined || body['image'] === null) throw unprocessable('You must specify an image.');
  const image = DO_IMAGES.find((item) => item.slug === body['image'] || item.id === body['image']);
  if (!image) throw unprocessable('You specified an invalid image for Droplet creation.');
  const region = pickRegion(body['region']);
  if (!size.regions.includes(region.slug)) throw unprocessable('Size is not available in this region.');

  let userData: string | null = null;
  if (body['user_data'] !== undefined && body['user_data'] !== null) {
    if (typeof body['user_data'] !== 'string') throw unprocessable('user_data must be a string.');
    if (Buffer.byteLength(body['user_data'], 'utf8') > DIGITALOCEAN_USER_DATA_MAX_BYTES) {
      throw unprocessable(`user_data is limited to ${DIGITALOCEAN_USER_DATA_MAX_BYTES / 1024} KiB.`);
    }
    userData = body['user_data'];
  }
  const tags = body['tags'] ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || tag.length > 255 || !TAG.test(tag))) {
    throw unprocessable('Tag names may only contain letters, numbers, colons, dashes and underscores.');
  }
  const sshKeys = body['ssh_keys'] ?? [];
  if (!Array.isArray(sshKeys) || sshKeys.some((key) => typeof key !== 'string' && !Number.isInteger(key))) {
    throw unprocessable('ssh_keys must be a list of key ids or fingerprints.');
  }
  const publicNetworking = optionalBoolean(body, 'public_networking', true);
  const ipv6 = optionalBoolean(body, 'ipv6', false);
  if (ipv6 && !publicNetworking) throw unprocessable('ipv6 requires public networking.');
  const vpcUuid = body['vpc_uuid'];
  if (vpcUuid !== undefined && typeof vpcUuid !== 'string') throw unprocessable('vpc_uuid must be a string.');
  return {
    names,
    multiple,
    attrs: {
      size,
      region,
      image,
      tags: [...new Set(tags as string[])],
      ipv6,
      monitoring: optionalBoolean(body, 'monitoring', false),
      backups: optionalBoolean(body, 'backups', false),
      publicNetworking,
      vpcUuid: vpcUuid ?? `5a4981aa-9653-4bd1-bef5-d6bff52042e4`,
    },
    userData,
  };
}
