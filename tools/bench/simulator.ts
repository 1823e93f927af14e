import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const MAIN = resolve(__dirname, '../../dist/tools/agent-manager-simulator/main.js');

export interface BenchSimulator {
  url: string;
  /** The Socket.IO `agents` namespace URL, and its port (a client's `agentWsPort`). */
  wsUrl: string;
  wsPort: number;
  apiKey: string;
  controlToken: string;
  child: ChildProcess;
  /** How many agent sockets are connected to it now (`GET /_simulator/state`). */
  connectedSockets(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts the built simulator (tools/agent-manager-simulator) on free ports in its own process, so its CPU
 * and memory are not the controller's. `args` are added to the command line (e.g. `--rate-limit`).
 */
export async function startBenchSimulator(args: string[]): Promise<BenchSimulator> {
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--ws-port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 100_000) stderr += chunk.toString();
  });
  // The first stdout line is `{"event":"listening", url, wsUrl, apiKey, controlToken, …}` or `{"event":"error"}`.
  const listening = await new Promise<Record<string, string>>((done, fail) => {
    let stdout = '';
    const timer = setTimeout(() => fail(new Error(`simulator did not start:\n${stderr}`)), 15_000);
    child.once('exit', (code) => fail(new Error(`simulator exited with ${code}:\n${stderr}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout
        .split('\n')
        .slice(0, -1) // complete lines only
        .find((candidate) => candidate.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const event = JSON.parse(line) as Record<string, string>;
      if (event['event'] === 'listening') done(event);
      else fail(new Error(`simulator failed: ${event['message']}`));
    });
  });
  const control = { authorization: `Bearer ${listening['controlToken']}` };
  return {
    url: listening['url'],
    wsUrl: listening['wsUrl'],
    wsPort: Number(new URL(listening['wsUrl']).port),
    apiKey: listening['apiKey'],
    controlToken: listening['controlToken'],
    child,
    connectedSockets: async () => {
      const response = await fetch(`${listening['url']}/_simulator/state`, { headers: control });
      return ((await response.json()) as { counts: { connectedSockets: number } }).counts.connectedSockets;
    },
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

export interface BareProxy {
  url: string;
  stop(): Promise<void>;
}

/** Starts tools/bench/bare-proxy.ts in its own process (through ts-node, as the benchmarks run) in front of `target`. */
export async function startBareProxy(target: string): Promise<BareProxy> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', resolve(__dirname, 'bare-proxy.ts'), target], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('the bare proxy did not start within 15 s')), 15_000);
    child.once('exit', (code) => fail(new Error(`the bare proxy exited with ${code}`)));
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes('\n')) return;
      clearTimeout(timer);
      done((JSON.parse(stdout.split('\n')[0]) as { port: number }).port);
    });
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}
