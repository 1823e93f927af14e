import { createServer } from 'node:net';

/**
 * Public IPv4 addresses of simulated servers: `<prefix>.N`, N = 1..254, on Linux all loopback (the whole
 * 127.0.0.0/8 is), so each server's agent-manager listens on its own address with the real ports.
 *
 * An address is handed out only when nothing listens on it at the probed ports (another simulator, a test in
 * another worker, a leftover process), starting from a random N so parallel simulators rarely race. When no
 * address passes the probe (e.g. something holds the port on 0.0.0.0), the first one this pool does not use
 * is taken anyway; that server's agent-manager will then fail to start, which `/_simulator/state` reports.
 */
export class AddressPool {
  private readonly used = new Set<string>();

  constructor(
    readonly prefix: string,
    private readonly probePorts: readonly number[],
    private readonly random: () => number = Math.random,
  ) {
    if (!/^127\.\d{1,3}\.\d{1,3}$/.test(prefix)) {
      throw new Error(`address prefix must look like 127.X.Y (three octets of a loopback address), got '${prefix}'`);
    }
  }

  async allocate(): Promise<string> {
    const start = Math.floor(this.random() * 254);
    const candidates: string[] = [];
    for (let i = 0; i < 254; i++) {
      const address = `${this.prefix}.${((start + i) % 254) + 1}`;
      if (!this.used.has(address)) candidates.push(address);
    }
    if (candidates.length === 0) {
      throw new Error(`all 254 addresses of ${this.prefix}.0/24 are in use`);
    }
    for (const address of candidates) {
      if (this.used.has(address)) continue;
      this.used.add(address);
      if (await this.isFree(address)) return address;
      this.used.delete(address);
    }
    const fallback = candidates.find((address) => !this.used.has(address));
    if (fallback === undefined) {
      throw new Error(`all 254 addresses of ${this.prefix}.0/24 are in use`);
    }
    this.used.add(fallback);
    return fallback;
  }

  release(address: string): void {
    this.used.delete(address);
  }

  get inUse(): number {
    return this.used.size;
  }

  private async isFree(address: string): Promise<boolean> {
    for (const port of this.probePorts) {
      if (!(await canListen(address, port))) return false;
    }
    return true;
  }
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
