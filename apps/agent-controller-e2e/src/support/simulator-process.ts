import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './controller-process';

const MAIN = join(WORKSPACE_ROOT, 'dist/tools/agent-manager-simulator/main.js');

export interface RunningSimulator {
  url: string;
  apiKey: string;
  controlToken: string;
  port: number;
  process: ChildProcess;
  /** Changes fault switches at runtime (latency, 5xx, garbage, dropped connections). */
  setFaults(faults: Record<string, unknown>): Promise<void>;
  /** Replaces what `GET /api/config` serves. */
  setConfig(config: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a simulated remote agent-manager process (tools/agent-manager-simulator) on a free port or `port`. */
export async function startSimulator(
  options: { apiKey?: string; port?: number; args?: string[] } = {},
): Promise<RunningSimulator> {
  const args = [
    '--port',
    String(options.port ?? 0),
    ...(options.apiKey ? ['--api-key', options.apiKey] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = await new Promise<{ url: string; apiKey: string; controlToken: string }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start:\n${stderr}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const event = JSON.parse(line) as {
        event: string;
        url: string;
        apiKey: string;
        controlToken: string;
        message?: string;
      };
      if (event.event === 'listening') resolve(event);
      else reject(new Error(`simulator failed: ${event.message}`));
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}:\n${stderr}`)));
  });
  const control = async (path: string, body: unknown) => {
    const response = await fetch(`${listening.url}/_simulator/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${listening.controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`simulator control ${path} failed: ${response.status} ${await response.text()}`);
  };
  return {
    ...listening,
    port: Number(new URL(listening.url).port),
    process: child,
    setFaults: (faults) => control('faults', faults),
    setConfig: (config) => control('config', config),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
