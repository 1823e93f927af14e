import { ChildProcess, spawn } from 'node:child_process';

/** The first stdout line of our tools (simulators, test IdP): `{"event":"listening", …}` or `{"event":"error"}`. */
export type ListeningEvent = { event: string; message?: string } & Record<string, unknown>;

/** Starts a built tool and resolves with its "listening" line, or rejects with what it printed. */
export async function spawnTool<T extends ListeningEvent>(
  main: string,
  args: string[],
  name: string,
): Promise<{ child: ChildProcess; listening: T }> {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = await new Promise<T>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${stderr}`)), 45_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const event = JSON.parse(line) as T;
      if (event.event === 'listening') resolve(event);
      else reject(new Error(`${name} failed: ${event.message}`));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${stderr}`)));
  });
  return { child, listening };
}

/** SIGTERM and wait for the exit. */
export async function stopTool(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
