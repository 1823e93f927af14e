import type { DoAccount, DoImage, DoRegion, DoSize } from '@agent-controller/shared-cloud-contracts';

const REGION_NAMES: Record<string, string> = { nyc3: 'New York 3', fra1: 'Frankfurt 1', ams3: 'Amsterdam 3' };

function size(
  slug: string,
  memory: number,
  vcpus: number,
  disk: number,
  transfer: number,
  priceMonthly: number,
  regions: string[],
): DoSize {
  return {
    slug,
    memory,
    vcpus,
    disk,
    transfer,
    price_monthly: priceMonthly,
    price_hourly: Math.round((priceMonthly / 672) * 100000) / 100000,
    regions,
    available: true,
    description: 'Basic',
    disk_info: [{ type: 'local', size: { amount: disk, unit: 'gib' } }],
  };
}

/** Basic droplet sizes; `s-4vcpu-8gb` is not offered in ams3 (to exercise "size not available in region"). */
export const DO_SIZES: readonly DoSize[] = [
  size('s-1vcpu-1gb', 1024, 1, 25, 1.0, 6, ['ams3', 'fra1', 'nyc3']),
  size('s-2vcpu-4gb', 4096, 2, 80, 4.0, 24, ['ams3', 'fra1', 'nyc3']),
  size('s-4vcpu-8gb', 8192, 4, 160, 5.0, 48, ['fra1', 'nyc3']),
];

export const DO_REGIONS: readonly DoRegion[] = Object.entries(REGION_NAMES).map(([slug, name]) => ({
  name,
  slug,
  features: ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer'],
  available: true,
  sizes: DO_SIZES.filter((item) => item.regions.includes(slug)).map((item) => item.slug),
}));

export const DO_IMAGES: readonly DoImage[] = [
  {
    id: 164325446,
    name: '24.04 (LTS) x64',
    distribution: 'Ubuntu',
    slug: 'ubuntu-24-04-x64',
    public: true,
    regions: ['ams3', 'fra1', 'nyc3'],
    created_at: '2024-04-25T15:48:30Z',
    type: 'base',
    min_disk_size: 7,
    size_gigabytes: 2.36,
    description: 'Ubuntu 24.04 (LTS) x64',
    tags: [],
    status: 'available',
    error_message: '',
  },
];

export const DO_ACCOUNT: DoAccount = {
  droplet_limit: 25,
  floating_ip_limit: 3,
  email: 'sammy@example.com',
  name: 'Sammy the Shark',
  uuid: 'b6fr89dbf6d9156cace5f3c78dc9851d957381ef',
  email_verified: true,
  status: 'active',
  status_message: '',
  team: { uuid: '5df3e3004a17e242b7c20ca6c9fc25b701a47ece', name: 'My Team' },
};
