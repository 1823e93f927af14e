import type {
  HetznerImage,
  HetznerLocation,
  HetznerPricePerTime,
  HetznerServerType,
} from '@agent-controller/shared-cloud-contracts';

/** A few real locations (coordinates and zones as Hetzner lists them). */
export const HETZNER_LOCATIONS: readonly HetznerLocation[] = [
  {
    id: 1,
    name: 'fsn1',
    description: 'Falkenstein DC Park 1',
    city: 'Falkenstein',
    country: 'DE',
    latitude: 50.47612,
    longitude: 12.370071,
    network_zone: 'eu-central',
  },
  {
    id: 2,
    name: 'nbg1',
    description: 'Nuremberg DC Park 1',
    city: 'Nuremberg',
    country: 'DE',
    latitude: 49.452102,
    longitude: 11.076665,
    network_zone: 'eu-central',
  },
  {
    id: 3,
    name: 'hel1',
    description: 'Helsinki DC Park 1',
    city: 'Helsinki',
    country: 'FI',
    latitude: 60.169855,
    longitude: 24.938379,
    network_zone: 'eu-central',
  },
  {
    id: 4,
    name: 'ash',
    description: 'Ashburn, VA',
    city: 'Ashburn, VA',
    country: 'US',
    latitude: 39.045821,
    longitude: -77.487073,
    network_zone: 'us-east',
  },
];

const TB = 1024 ** 4;
const VAT = 1.19;

/** Hetzner prints prices as decimal strings with 16 places. */
function money(value: number): string {
  return value.toFixed(16);
}

function prices(monthlyNet: Record<string, number>): HetznerPricePerTime[] {
  return Object.entries(monthlyNet).map(([location, net]) => {
    const eu = location !== 'ash';
    const hourly = Math.round((net / 730) * 10000) / 10000;
    return {
      location,
      price_hourly: { net: money(hourly), gross: money(hourly * VAT) },
      price_monthly: { net: money(net), gross: money(net * VAT) },
      included_traffic: (eu ? 20 : 1) * TB,
      price_per_tb_traffic: { net: money(1), gross: money(VAT) },
    };
  });
}

function serverType(
  fields: Omit<HetznerServerType, 'prices' | 'locations' | 'deprecated' | 'deprecation' | 'storage_type'>,
  monthlyNet: Record<string, number>,
): HetznerServerType {
  return {
    ...fields,
    storage_type: 'local',
    deprecated: false,
    deprecation: null,
    prices: prices(monthlyNet),
    locations: Object.keys(monthlyNet).map((name) => {
      const location = HETZNER_LOCATIONS.find((item) => item.name === name) as HetznerLocation;
      return { id: location.id, name, deprecation: null };
    }),
  };
}

/** Shared-vCPU types; each exists only in the locations it has a price for. */
export const HETZNER_SERVER_TYPES: readonly HetznerServerType[] = [
  serverType(
    {
      id: 108,
      name: 'cx23',
      description: 'CX23',
      category: 'cost_optimized',
      cores: 2,
      memory: 4,
      disk: 40,
      cpu_type: 'shared',
      architecture: 'x86',
    },
    { fsn1: 3.49, nbg1: 3.49, hel1: 3.49 },
  ),
  serverType(
    {
      id: 113,
      name: 'cpx22',
      description: 'CPX22',
      category: 'regular_purpose',
      cores: 2,
      memory: 4,
      disk: 80,
      cpu_type: 'shared',
      architecture: 'x86',
    },
    { fsn1: 6.49, nbg1: 6.49, hel1: 6.49, ash: 7.99 },
  ),
  serverType(
    {
      id: 45,
      name: 'cax11',
      description: 'CAX11',
      category: 'cost_optimized',
      cores: 2,
      memory: 4,
      disk: 40,
      cpu_type: 'shared',
      architecture: 'arm',
    },
    { fsn1: 3.79, nbg1: 3.79, hel1: 3.79 },
  ),
];

function ubuntu(id: number, architecture: HetznerImage['architecture']): HetznerImage {
  return {
    id,
    type: 'system',
    status: 'available',
    name: 'ubuntu-24.04',
    description: 'Ubuntu 24.04',
    image_size: null,
    disk_size: 5,
    created: '2024-04-25T13:27:24Z',
    created_from: null,
    bound_to: null,
    os_flavor: 'ubuntu',
    os_version: '24.04',
    rapid_deploy: true,
    protection: { delete: false },
    deprecated: null,
    deleted: null,
    labels: {},
    architecture,
  };
}

/** One name, one image per architecture: the name resolves to the image of the server type's architecture. */
export const HETZNER_IMAGES: readonly HetznerImage[] = [ubuntu(161547269, 'x86'), ubuntu(161547270, 'arm')];

/** Lookup by id or name, as the API accepts both. */
export function findByIdOrName<T extends { id: number; name?: string | null }>(
  items: readonly T[],
  key: string,
): T | undefined {
  return items.find((item) => item.name === key || String(item.id) === key);
}
