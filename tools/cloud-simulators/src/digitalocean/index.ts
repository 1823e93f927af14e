import type { ProviderSimulatorOptions } from '../options';
import {
  type ProviderDefinition,
  type ProviderSimulatorHandle,
  type SharedRuntime,
  startProviderSimulator,
} from '../core/provider-simulator';
import { SlidingWindowLimiter } from '../core/rate-limit';

import { digitaloceanProfile } from './profile';
import { digitaloceanRoutes } from './routes';
import type { DigitalOceanAttrs } from './validation';
import { dropletStatus } from './views';

export const digitaloceanDefinition: ProviderDefinition<DigitalOceanAttrs> = {
  provider: 'digitalocean',
  profile: digitaloceanProfile,
  basePath: '',
  // Droplets are gone at once after a delete; DigitalOcean has no 423.
  unsupportedFaults: ['deleteMs', 'lockedNext'],
  firstMachineId: 300_000_001,
  firstActionId: 1_700_000_001,
  createLimiter: (options) => new SlidingWindowLimiter(options.rateLimit, options.burstLimit, options.clock),
  routes: digitaloceanRoutes,
  describe: (machine) => ({
    status: dropletStatus(machine),
    size: machine.attrs.size.slug,
    region: machine.attrs.region.slug,
    image: machine.attrs.image.slug,
    tags: machine.attrs.tags,
  }),
};

/** A DigitalOcean API v2 simulator: base URL `http://host:port` (paths start with `/v2`). */
export function startDigitalOceanSimulator(
  options: ProviderSimulatorOptions = {},
  shared?: SharedRuntime,
): Promise<ProviderSimulatorHandle> {
  return startProviderSimulator(digitaloceanDefinition, options, shared);
}
