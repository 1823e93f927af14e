import { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './controller-process';
import { ListeningEvent, spawnTool, stopTool } from './tool-process';

const MAIN = join(WORKSPACE_ROOT, 'dist/tools/agent-manager-simulator/main.js');

export interface RunningSimulator {
  url: string;
  apiKey: string;
  controlToken: string;
  port: number;
  /** The Socket.IO `agents` namespace URL and its port (a client's `agentWsPort`). */
  wsUrl: string;
  wsPort: number;
  process: ChildProcess;
  /** Changes fault switches at runtime (latency, 5xx, garbage, dropped connections). */
  setFaults(faults: Record<string, unknown>): Promise<void>;
  /** Replaces what `GET /api/config` serves. */
  setConfig(config: Record<string, unknown>): Promise<void>;
  /** How many agent sockets are connected to it now. */
  connectedSockets(): Promise<number>;
  /** Closes every agent socket's transport, as a network drop would. */
  dropSockets(): Promise<void>;
  stop(): Promise<void>;
}

/** The `POST /api/clients` body that registers `simulator` as an api_key client named `name`. */
export function simulatorClient(simulator: RunningSimulator, name: string) {
  return {
    name,
    endpoint: simulator.url,
    authenticationType: 'api_key',
    apiKey: simulator.apiKey,
    agentWsPort: simulator.wsPort,
  };
}

/** Starts a simulated remote agent-manager process (tools/agent-manager-simulator) on a free port or `port`. */
export async function startSimulator(
  options: { apiKey?: string; port?: number; args?: string[] } = {},
): Promise<RunningSimulator> {
  // Free ports for both HTTP and Socket.IO, so several simulators run side by side.
  const args = [
    '--port',
    String(options.port ?? 0),
    '--ws-port',
    '0',
    ...(options.apiKey ? ['--api-key', options.apiKey] : []),
    ...(options.args ?? []),
  ];
  const { child, listening } = await spawnTool<
    ListeningEvent & { url: string; wsUrl: string; apiKey: string; controlToken: string }
  >(MAIN, args, 'simulator');
  const control = async (path: string, body?: unknown) => {
    const response = await fetch(`${listening.url}/_simulator/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${listening.controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`simulator control ${path} failed: ${response.status} ${await response.text()}`);
  };
  return {
    url: listening.url,
    apiKey: listening.apiKey,
    controlToken: listening.controlToken,
    port: Number(new URL(listening.url).port),
    wsUrl: listening.wsUrl,
    wsPort: Number(new URL(listening.wsUrl).port),
    process: child,
    setFaults: (faults) => control('faults', faults),
    setConfig: (config) => control('config', config),
    dropSockets: () => control('sockets/drop'),
    connectedSockets: async () => {
      const response = await fetch(`${listening.url}/_simulator/state`, {
        headers: { authorization: `Bearer ${listening.controlToken}` },
      });
      return ((await response.json()) as { counts: { connectedSockets: number } }).counts.connectedSockets;
    },
    stop: () => stopTool(child),
  };
}
