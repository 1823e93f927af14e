import { join } from 'node:path';
import { WORKSPACE_ROOT } from './controller-process';
import { ListeningEvent, spawnTool, stopTool } from './tool-process';

const MAIN = join(WORKSPACE_ROOT, 'dist/tools/cloud-simulators/main.js');

export type CloudName = 'hetzner' | 'digitalocean';

/** A server as the simulator's control API shows it (user data included, which the cloud API never returns). */
export interface SimulatedServer {
  id: number;
  name: string;
  status: string;
  userData: string;
  [key: string]: unknown;
}

export interface RunningCloudSimulator {
  url: string;
  token: string;
  /** Arms fault switches (e.g. `{createFailNext: 1}`); see tools/cloud-simulators/README.md. */
  setFaults(patch: Record<string, number>): Promise<void>;
  resetFaults(): Promise<void>;
  /** The fault settings now (armed counters count down as they fire). */
  faults(): Promise<Record<string, number>>;
  servers(): Promise<SimulatedServer[]>;
  stop(): Promise<void>;
}

/** Starts one cloud's simulator (tools/cloud-simulators); running servers get an agent-manager simulator. */
export async function startCloudSimulator(provider: CloudName, args: string[] = []): Promise<RunningCloudSimulator> {
  const { child, listening } = await spawnTool<
    ListeningEvent & { url: string; token: string; controlUrl: string; controlToken: string }
  >(MAIN, ['--providers', provider, ...args], `${provider} simulator`);
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${listening.controlUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${listening.controlToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${provider} control ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    url: listening.url,
    token: listening.token,
    setFaults: async (patch) => void (await control('POST', '/faults', patch)),
    resetFaults: async () => void (await control('DELETE', '/faults')),
    faults: async () => (await control('GET', '/faults')) as Record<string, number>,
    servers: async () => ((await control('GET', '/state')) as { servers: SimulatedServer[] }).servers,
    stop: () => stopTool(child),
  };
}
