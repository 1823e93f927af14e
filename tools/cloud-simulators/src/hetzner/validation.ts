import { randomBytes } from 'node:crypto';

import {
  HETZNER_USER_DATA_MAX_BYTES,
  type HetznerImage,
  type HetznerLocation,
  type HetznerServerType,
} from '@agent-controller/shared-cloud-contracts';

import { isPlainObject } from '../core/http';
import { isValidLabelKey, isValidLabelValue } from '../core/label-selector';

import { findByIdOrName, HETZNER_IMAGES, HETZNER_LOCATIONS, HETZNER_SERVER_TYPES } from './catalogue';
import { type FieldError, invalidInput } from './profile';

/** What a Hetzner server keeps beside the provider-neutral machine. */
export interface HetznerAttrs {
  serverType: HetznerServerType;
  location: HetznerLocation;
  image: HetznerImage;
  labels: Record<string, string>;
  ipv4: boolean;
  ipv6: boolean;
  sshKeys: string[];
}

export interface HetznerCreatePlan {
  name: string;
  attrs: HetznerAttrs;
  userData: string | null;
  startAfterCreate: boolean;
  /** Generated when no SSH keys were given. */
  rootPassword: string | null;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const MISSING = 'Missing data for required field.';
const NOT_STRING = 'Not a valid string.';
const NOT_BOOLEAN = 'Not a valid boolean.';

/** A string, or an integer id given as a number (the API accepts both for type, image and location). */
function idOrName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return undefined;
}

class FieldErrors {
  readonly list: FieldError[] = [];
  add(name: string, message: string): void {
    const existing = this.list.find((field) => field.name === name);
    if (existing) existing.messages.push(message);
    else this.list.push({ name, messages: [message] });
  }
}

function checkLabels(value: unknown, errors: FieldErrors): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    errors.add('labels', 'Not a valid mapping type.');
    return {};
  }
  const labels: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isValidLabelKey(key)) errors.add('labels', `invalid label key '${key}'`);
    if (typeof item !== 'string' || !isValidLabelValue(item)) errors.add('labels', `invalid label value for '${key}'`);
    else labels[key] = item;
  }
  return labels;
}

function optionalBoolean(body: Record<string, unknown>, key: string, fallback: boolean, errors: FieldErrors): boolean {
  const value = body[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    errors.add(key, NOT_BOOLEAN);
    return fallback;
  }
  return value;
}

/**
 * Checks a create-server body like the API: every field problem at once as 422 `invalid_input` with
 * `details.fields`; then whether the type exists in the location ("unsupported location for server type").
 * `datacenter` is refused: it is deprecated, and the simulator does not model datacenters.
 */
export function planCreateServer(body: unknown): HetznerCreatePlan {
  if (!isPlainObject(body)) {
    throw invalidInput([{ name: 'body', messages: ['Invalid input type.'] }], 'invalid input');
  }
  const errors = new FieldErrors();
  const name = body['name'];
  if (name === undefined || name === null) errors.add('name', MISSING);
  else if (typeof name !== 'string') errors.add('name', NOT_STRING);
  else if (!HOSTNAME.test(name)) errors.add('name', 'Not a valid hostname (RFC 1123).');

  const required = (key: 'server_type' | 'image'): string | undefined => {
    const value = body[key];
    if (value === undefined || value === null) errors.add(key, MISSING);
    else if (idOrName(value) === undefined) errors.add(key, NOT_STRING);
    return idOrName(value);
  };
  const typeKey = required('server_type');
  const imageKey = required('image');
  const serverType = typeKey === undefined ? undefined : findByIdOrName(HETZNER_SERVER_TYPES, typeKey);
  if (typeKey !== undefined && !serverType) errors.add('server_type', 'server type not found');

  let location: HetznerLocation | undefined;
  if (body['location'] !== undefined) {
    const locationKey = idOrName(body['location']);
    if (locationKey === undefined) errors.add('location', NOT_STRING);
    else {
      location = findByIdOrName(HETZNER_LOCATIONS, locationKey);
      if (!location) errors.add('location', 'location not found');
    }
  }
  if (body['datacenter'] !== undefined) {
    errors.add('datacenter', 'datacenter is deprecated and not supported here; use location');
  }

  const candidates =
    imageKey === undefined
      ? []
      : HETZNER_IMAGES.filter((image) => image.name === imageKey || String(image.id) === imageKey);
  if (imageKey !== undefined && candidates.length === 0) errors.add('image', 'image not found');

  let userData: string | null = null;
  if (body['user_data'] !== undefined && body['user_data'] !== null) {
    if (typeof body['user_data'] !== 'string') errors.add('user_data', NOT_STRING);
    else if (Buffer.byteLength(body['user_data'], 'utf8') > HETZNER_USER_DATA_MAX_BYTES) {
      errors.add('user_data', `user_data is limited to ${HETZNER_USER_DATA_MAX_BYTES / 1024} KiB`);
    } else userData = body['user_data'];
  }
  const labels = checkLabels(body['labels'], errors);
  let sshKeys: string[] = [];
  if (body['ssh_keys'] !== undefined) {
    const keys = body['ssh_keys'];
    if (!Array.isArray(keys) || keys.some((key) => idOrName(key) === undefined)) {
      errors.add('ssh_keys', 'Not a valid list of strings.');
    } else sshKeys = keys.map((key) => idOrName(key) as string);
  }
  const startAfterCreate = optionalBoolean(body, 'start_after_create', true, errors);
  let ipv4 = true;
  let ipv6 = true;
  const publicNet = body['public_net'];
  if (publicNet !== undefined) {
    if (!isPlainObject(publicNet)) errors.add('public_net', 'Not a valid mapping type.');
    else {
      ipv4 = optionalBoolean(publicNet, 'enable_ipv4', true, errors);
      ipv6 = optionalBoolean(publicNet, 'enable_ipv6', true, errors);
    }
  }
  if (errors.list.length > 0 || !serverType) {
    throw invalidInput(errors.list);
  }

  const offered = (candidate: HetznerLocation): boolean =>
    serverType.locations.some((item) => item.name === candidate.name);
  if (location && !offered(location)) {
    throw invalidInput(
      [{ name: 'location', messages: ['unsupported location for server type'] }],
      'unsupported location for server type',
    );
  }
  const chosenLocation = location ?? (HETZNER_LOCATIONS.find(offered) as HetznerLocation);
  const image = candidates.find((candidate) => candidate.architecture === serverType.architecture);
  if (!image) {
    throw invalidInput([{ name: 'image', messages: ['image architecture does not match the server type'] }]);
  }
  return {
    name: name as string,
    attrs: { serverType, location: chosenLocation, image, labels, ipv4, ipv6, sshKeys },
    userData,
    startAfterCreate,
    rootPassword: sshKeys.length > 0 ? null : randomBytes(15).toString('base64url'),
  };
}
