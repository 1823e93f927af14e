import type { ApiError } from '../core/http';
import { rejectionOf } from '../testing/helpers';

import { planCreateServer } from './validation';

const VALID = { name: 'agent-1', server_type: 'cx23', image: 'ubuntu-24.04', location: 'fsn1' };

const rejection = (body: unknown): ApiError => rejectionOf(planCreateServer, body);

describe('Hetzner create-server validation', () => {
  it('resolves type, location and the image of the type architecture', () => {
    const plan = planCreateServer({ ...VALID, server_type: 'cax11', location: undefined, ssh_keys: ['k'] });
    expect(plan.attrs.serverType.name).toBe('cax11');
    expect(plan.attrs.location.name).toBe('fsn1');
    expect(plan.attrs.image).toMatchObject({ name: 'ubuntu-24.04', architecture: 'arm' });
    expect(plan.rootPassword).toBeNull();
    expect(planCreateServer(VALID).rootPassword).toEqual(expect.any(String));
  });

  it('lists every missing field in details.fields', () => {
    const error = rejection({});
    expect(error).toMatchObject({ status: 422, code: 'invalid_input' });
    expect(error.message).toBe("invalid input in fields 'name', 'server_type', 'image'");
    expect(error.details).toEqual({
      fields: [
        { name: 'name', messages: ['Missing data for required field.'] },
        { name: 'server_type', messages: ['Missing data for required field.'] },
        { name: 'image', messages: ['Missing data for required field.'] },
      ],
    });
  });

  it.each([
    [{ server_type: 'cx22' }, 'server_type', 'server type not found'],
    [{ image: 'ubuntu-20.04' }, 'image', 'image not found'],
    [{ location: 'mars1' }, 'location', 'location not found'],
    [{ name: 'not a hostname' }, 'name', 'Not a valid hostname (RFC 1123).'],
    [{ user_data: 'x'.repeat(32 * 1024 + 1) }, 'user_data', 'user_data is limited to 32 KiB'],
    [{ labels: { 'hetzner.cloud/x': 'y' } }, 'labels', "invalid label key 'hetzner.cloud/x'"],
    [{ datacenter: 'fsn1-dc14' }, 'datacenter', 'datacenter is deprecated and not supported here; use location'],
    [{ start_after_create: 'yes' }, 'start_after_create', 'Not a valid boolean.'],
  ])('rejects %j as invalid_input on %s', (patch, field, message) => {
    const error = rejection({ ...VALID, ...patch });
    expect(error).toMatchObject({ status: 422, code: 'invalid_input' });
    expect(error.details).toEqual({ fields: [{ name: field, messages: [message] }] });
  });

  it('accepts user data of exactly 32 KiB', () => {
    expect(planCreateServer({ ...VALID, user_data: 'x'.repeat(32 * 1024) }).userData).toHaveLength(32 * 1024);
  });

  it('refuses a type in a location that does not offer it', () => {
    expect(rejection({ ...VALID, server_type: 'cx23', location: 'ash' })).toMatchObject({
      status: 422,
      code: 'invalid_input',
      message: 'unsupported location for server type',
    });
  });
});
