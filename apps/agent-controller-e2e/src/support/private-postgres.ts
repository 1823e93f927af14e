import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './controller-process';

const run = promisify(execFile);

/** Where Debian/Ubuntu put the server binaries; override with PG_BIN_DIR. */
const PG_BIN_DIR = process.env['PG_BIN_DIR'] ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of its own, in a temporary directory on a free loopback port, that a test may stop and
 * start at will — the machine's shared server is never touched. initdb refuses to run as root, so as root
 * (CI) the server runs as the `postgres` user.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly asUser: string | undefined,
  ) {}

  static async create(): Promise<PrivatePostgres> {
    if (!existsSync(join(PG_BIN_DIR, 'initdb')) || !existsSync(join(PG_BIN_DIR, 'pg_ctl'))) {
      throw new Error(`No initdb/pg_ctl in ${PG_BIN_DIR}: install PostgreSQL's server binaries or set PG_BIN_DIR`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'ac-pg-'));
    const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
    if (asUser) {
      const uid = Number(execFileSync('id', ['-u', asUser]).toString());
      const gid = Number(execFileSync('id', ['-g', asUser]).toString());
      chownSync(dir, uid, gid);
    }
    const cluster = new PrivatePostgres(await freePort(), dir, asUser);
    try {
      await cluster.pg('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
      await cluster.start();
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    // Loopback TCP only, its socket in its own directory; fsync off is safe here: only the server process
    // ever dies in these tests, never the machine's page cache.
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c max_connections=40`;
    await this.pg('pg_ctl', [
      'start',
      '-w',
      '-t',
      '30',
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      options,
    ]);
  }

  /** `fast` ends sessions with 57P01 (admin shutdown); `immediate` kills the server without a clean shutdown. */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await this.pg('pg_ctl', ['stop', '-w', '-t', '30', '-m', mode, '-D', this.dataDir]);
  }

  /** Stops the server whatever its state and removes its files; never throws. */
  async destroy(): Promise<void> {
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      await this.stop('immediate').catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async pg(binary: string, args: string[]): Promise<void> {
    const path = join(PG_BIN_DIR, binary);
    const [command, commandArgs] = this.asUser ? ['runuser', ['-u', this.asUser, '--', path, ...args]] : [path, args];
    // pg_ctl start returns only because the server's output goes to its log (-l), not to our pipes.
    await run(command, commandArgs, { timeout: 60_000 });
  }
}
