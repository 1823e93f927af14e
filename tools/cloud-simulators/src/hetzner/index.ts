import type { ProviderSimulatorOptions } from '../options';
import {
  type ProviderDefinition,
  type ProviderSimulatorHandle,
  type SharedRuntime,
  startProviderSimulator,
} from '../core/provider-simulator';
import { TokenBucketLimiter } from '../core/rate-limit';

import { hetznerProfile } from './profile';
import { hetznerRoutes } from './routes';
import type { HetznerAttrs } from './validation';
import { hetznerStatus } from './views';

export const hetznerDefinition: ProviderDefinition<HetznerAttrs> = {
  provider: 'hetzner',
  profile: hetznerProfile,
  basePath: '/v1',
  unsupportedFaults: [],
  firstMachineId: 4_711_001,
  firstActionId: 13_000_001,
  createLimiter: (options) => new TokenBucketLimiter(options.rateLimit, options.clock),
  routes: hetznerRoutes,
  describe: (machine) => ({
    status: hetznerStatus(machine),
    serverType: machine.attrs.serverType.name,
    location: machine.attrs.location.name,
    image: machine.attrs.image.name,
    labels: machine.attrs.labels,
  }),
};

/** A Hetzner Cloud API v1 simulator: base URL `http://host:port/v1`. */
export function startHetznerSimulator(
  options: ProviderSimulatorOptions = {},
  shared?: SharedRuntime,
): Promise<ProviderSimulatorHandle> {
  return startProviderSimulator(hetznerDefinition, options, shared);
}
