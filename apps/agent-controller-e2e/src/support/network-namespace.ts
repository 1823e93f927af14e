import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs inside the namespace: forwards connections on a Unix socket (a file, so visible from both namespaces)
 * to the controller's port on the namespace's loopback, and exits once the controller (its parent) has.
 */
const INNER_BRIDGE = `
  const net = require('node:net');
  const [socketPath, port] = process.argv.slice(1);
  const parent = process.ppid;
  net.createServer((outer) => {
    const inner = net.connect(Number(port), '127.0.0.1');
    outer.pipe(inner).pipe(outer);
    outer.on('close', () => inner.destroy());
    inner.on('close', () => outer.destroy());
    outer.on('error', () => undefined);
    inner.on('error', () => undefined);
  }).listen(socketPath);
  setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 200);
`;

/** How to start a process in a new network namespace, and how the test reaches its port from outside. */
export interface IsolatedNetwork {
  command: string;
  args: (program: string, programArgs: string[]) => string[];
  /** Starts forwarding `127.0.0.1:outerPort` (this namespace) to the process's port; resolves when listening. */
  listen(outerPort: number): Promise<void>;
  close(): Promise<void>;
}

/** Fails with a clear message when this machine cannot make network namespaces (the test needs one). */
export function assertNetworkNamespacesWork(): void {
  try {
    execFileSync('unshare', ['-rn', 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `This test needs unprivileged network namespaces ('unshare -rn ip link set lo up' failed): ${String(
        (error as { stderr?: Buffer }).stderr ?? error,
      )}`,
    );
  }
}

/**
 * A network namespace with only a loopback interface (`unshare -rn`): every other address, IPv4 or IPv6, has
 * no route, so a connect to it fails at once with ENETUNREACH — the synchronous failure a host without IPv6
 * (or without a route) produces. Nothing leaves the machine.
 */
export function isolatedNetwork(innerPort: number): IsolatedNetwork {
  const directory = mkdtempSync(join(tmpdir(), 'ac-netns-'));
  const socketPath = join(directory, 'controller.sock');
  const connections = new Set<Socket>();
  let server: Server | undefined;
  return {
    command: 'unshare',
    // sh brings loopback up, starts the bridge, then becomes the program: the spawned pid is the program's.
    args: (program, programArgs) => [
      '-rn',
      'sh',
      '-c',
      'ip link set lo up || exit 97; "$0" -e "$1" "$2" "$3" & shift 3; exec "$@"',
      process.execPath,
      INNER_BRIDGE,
      socketPath,
      String(innerPort),
      program,
      ...programArgs,
    ],
    listen: (outerPort) =>
      new Promise((resolve, reject) => {
        server = createServer((outer) => {
          connections.add(outer);
          const inner = connect(socketPath);
          outer.pipe(inner).pipe(outer);
          // Either side closing closes the other: a half-open pair would leave the client waiting.
          outer.on('close', () => {
            connections.delete(outer);
            inner.destroy();
          });
          inner.on('close', () => outer.destroy());
          outer.on('error', () => undefined);
          inner.on('error', () => undefined);
        });
        server.on('error', reject);
        server.listen(outerPort, '127.0.0.1', () => resolve());
      }),
    close: async () => {
      for (const connection of connections) connection.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
