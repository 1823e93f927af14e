import { createSharedRuntime } from './core/provider-simulator';
import type { ProviderSimulatorHandle } from './core/provider-simulator';
import { startDigitalOceanSimulator } from './digitalocean';
import { startHetznerSimulator } from './hetzner';
import {
  CLOUD_PROVIDERS,
  type CloudProviderName,
  type CloudSimulatorsOptions,
  type ProviderSimulatorOptions,
  resolveAgentManagerOptions,
} from './options';

export interface CloudSimulatorsHandle {
  /** Undefined when not among `providers`. */
  hetzner: ProviderSimulatorHandle | undefined;
  digitalocean: ProviderSimulatorHandle | undefined;
  /** The started ones, in the order of `providers`. */
  simulators: ProviderSimulatorHandle[];
  /** Closes every simulator (servers deleted, agent-managers stopped). Idempotent. */
  close(): Promise<void>;
}

const START = {
  hetzner: startHetznerSimulator,
  digitalocean: startDigitalOceanSimulator,
} as const;

/**
 * Starts the Hetzner and DigitalOcean simulators in this process, on their own ports, sharing one pool of
 * loopback addresses and one agent-manager launcher.
 */
export async function startCloudSimulators(options: CloudSimulatorsOptions = {}): Promise<CloudSimulatorsHandle> {
  const { providers = CLOUD_PROVIDERS, hetznerPort, digitaloceanPort, hetzner, digitalocean, ...common } = options;
  const agentManager = resolveAgentManagerOptions(common.agentManager);
  const runtime = createSharedRuntime(agentManager, common.log);
  const sections: Record<CloudProviderName, ProviderSimulatorOptions> = {
    hetzner: { ...common, port: hetznerPort, ...hetzner, agentManager: common.agentManager },
    digitalocean: { ...common, port: digitaloceanPort, ...digitalocean, agentManager: common.agentManager },
  };
  const started: ProviderSimulatorHandle[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(started.map((simulator) => simulator.close()));
    runtime.launcher?.close();
  };
  try {
    for (const provider of new Set(providers)) {
      started.push(await START[provider](sections[provider], runtime));
    }
  } catch (err) {
    await close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    hetzner: started.find((simulator) => simulator.provider === 'hetzner'),
    digitalocean: started.find((simulator) => simulator.provider === 'digitalocean'),
    simulators: started,
    close: () => (closing ??= close()),
  };
}
