import type { ApiError } from '../core/http';
import { rejectionOf } from '../testing/helpers';

import { planCreateDroplet } from './validation';

const VALID = { name: 'agent-1', size: 's-1vcpu-1gb', image: 'ubuntu-24-04-x64', region: 'fra1' };

const rejection = (body: unknown): ApiError => rejectionOf(planCreateDroplet, body);

describe('DigitalOcean create-droplet validation', () => {
  it('resolves size, region (a prefix too) and image; names may repeat', () => {
    const plan = planCreateDroplet({ ...VALID, region: 'nyc', tags: ['managed-by:agents', 'managed-by:agents'] });
    expect(plan).toMatchObject({ names: ['agent-1'], multiple: false });
    expect(plan.attrs.region.slug).toBe('nyc3');
    expect(plan.attrs.tags).toEqual(['managed-by:agents']);
    expect(planCreateDroplet({ ...VALID, name: undefined, names: ['a', 'a'] })).toMatchObject({
      names: ['a', 'a'],
      multiple: true,
    });
    expect(planCreateDroplet({ ...VALID, region: undefined }).attrs.region.slug).toBe('nyc3');
  });

  it.each([
    [{ name: undefined }, 'You must specify a name (or names) for the Droplet.'],
    [{ name: 'bad name' }, 'Name is invalid. Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)'],
    [{ size: undefined }, 'You must specify a size.'],
    [{ size: 's-99vcpu' }, 'You specified an invalid size for Droplet creation.'],
    [{ image: undefined }, 'You must specify an image.'],
    [{ image: 'ubuntu-20-04-x64' }, 'You specified an invalid image for Droplet creation.'],
    [{ region: 'mars1' }, 'You specified an invalid region for Droplet creation.'],
    [{ size: 's-4vcpu-8gb', region: 'ams3' }, 'Size is not available in this region.'],
    [{ user_data: 'x'.repeat(64 * 1024 + 1) }, 'user_data is limited to 64 KiB.'],
    [{ tags: ['no spaces'] }, 'Tag names may only contain letters, numbers, colons, dashes and underscores.'],
    [
      { names: Array.from({ length: 11 }, (_, i) => `n${i}`), name: undefined },
      'You can create at most 10 Droplets at once.',
    ],
  ])('rejects %j with 422 unprocessable_entity', (patch, message) => {
    expect(rejection({ ...VALID, ...patch })).toMatchObject({ status: 422, code: 'unprocessable_entity', message });
  });

  it('accepts user data of exactly 64 KiB and refuses a body that is not an object', () => {
    expect(planCreateDroplet({ ...VALID, user_data: 'x'.repeat(64 * 1024) }).userData).toHaveLength(64 * 1024);
    expect(rejection([])).toMatchObject({ status: 400, code: 'bad_request' });
  });
});
