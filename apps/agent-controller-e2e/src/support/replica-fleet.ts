import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { freePort, RunningController, startController } from './controller-process';
import { GatewayClient } from './gateway-client';
import { REPLICA_HEADER, RunningHaproxy, startHaproxy } from './haproxy-process';
import { Api, setUpFirstAdmin } from './http';

/** A fleet needs a PostgreSQL server and Redis: CI sets both variables. */
export const fleetAvailable = Boolean(process.env['TEST_DATABASE_URL'] && process.env['TEST_REDIS_URL']);

export interface Replica {
  name: string;
  port: number;
  /** Straight to the replica, around the load balancer (its own /metrics, readiness). */
  direct: Api;
  /** Through the load balancer, pinned to this replica while it is up. */
  api: Api;
  /** The process running now (replaced by `restart`). */
  controller: RunningController;
  /** What every process of this replica printed so far, restarts included. */
  output(): string;
}

export interface FleetOptions {
  names?: string[];
  /** Environment of every replica on top of the fleet's own (database, Redis, shared secrets). */
  env?: Record<string, string | undefined>;
}

/**
 * N controller processes on one fresh PostgreSQL database and one Redis (a key prefix of their own), behind a
 * real HAProxy: what an operator runs. The replicas share ENCRYPTION_KEY and JWT_SECRET, so a token one signs is
 * good on all; PUBLIC_URL is the load balancer's.
 */
export class ReplicaFleet {
  private readonly replicas = new Map<string, Replica>();
  private readonly earlierOutput = new Map<string, string>();
  /** Round robin over the replicas that are up. */
  readonly api: Api;
  /** The first admin's access token (admin@example.com), good on every replica. */
  admin = '';

  private constructor(
    /** In the order given: the first one started first and made the first admin. */
    readonly names: string[],
    readonly balancer: RunningHaproxy,
    readonly database: TestDatabase,
    readonly redisKeyPrefix: string,
    private readonly env: Record<string, string | undefined>,
  ) {
    this.api = new Api(balancer.url);
  }

  static async start(options: FleetOptions = {}): Promise<ReplicaFleet> {
    const names = options.names ?? ['a', 'b', 'c'];
    const ports = await Promise.all(names.map(() => freePort()));
    // The balancer first: its URL is every replica's PUBLIC_URL. Servers count as down until their checks pass.
    const balancer = await startHaproxy(names.map((name, index) => ({ name, port: ports[index] })));
    const database = await createTestDatabase('server');
    const redisKeyPrefix = `ac-test-${randomBytes(6).toString('hex')}:`;
    const env = {
      REDIS_URL: process.env['TEST_REDIS_URL'],
      REDIS_KEY_PREFIX: redisKeyPrefix,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      JWT_SECRET: randomBytes(48).toString('base64url'),
      PUBLIC_URL: balancer.url,
      // The balancer's address is trusted to name the client's (X-Forwarded-For), as behind any proxy.
      TRUST_PROXY: 'loopback',
      ...options.env,
    };
    const fleet = new ReplicaFleet(names, balancer, database, redisKeyPrefix, env);
    try {
      // The first one migrates the empty database and prints the setup token; the first admin is made before
      // the others start (each would print a new token, replacing the last).
      const first = await fleet.launch(names[0], ports[0]);
      fleet.admin = await setUpFirstAdmin(first.direct, first.controller.setupToken());
      await Promise.all(names.slice(1).map((name, index) => fleet.launch(name, ports[index + 1])));
      await Promise.all(names.map((name) => balancer.waitFor(name, 'UP')));
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  replica(name: string): Replica {
    const replica = this.replicas.get(name);
    if (!replica) throw new Error(`no replica ${name}`);
    return replica;
  }

  /** A browser socket through the load balancer, pinned to `name` if given (round robin otherwise). */
  connect(token: string, name?: string): Promise<GatewayClient> {
    return GatewayClient.connect(this.balancer.url, `Bearer ${token}`, {
      headers: name ? { [REPLICA_HEADER]: name } : {},
    });
  }

  /** Sends `signal` and waits for the process to end; resolves with its exit code (null after a signal). */
  async signal(name: string, signal: NodeJS.Signals): Promise<number | null> {
    const child = this.replica(name).controller.process;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }

  /** Starts the replica again on its port (after a kill), and waits until the balancer sends it traffic. */
  async restart(name: string): Promise<Replica> {
    const replica = this.replica(name);
    if (replica.controller.process.exitCode === null && replica.controller.process.signalCode === null)
      throw new Error(`replica ${name} is still running`);
    this.earlierOutput.set(name, replica.output());
    rmSync(replica.controller.dataDir, { recursive: true, force: true });
    const restarted = await this.launch(name, replica.port);
    await this.balancer.waitFor(name, 'UP');
    return restarted;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.replicas.values()].map(async (replica) => {
        await replica.controller.stop({ keepData: true }).catch(() => undefined);
        rmSync(replica.controller.dataDir, { recursive: true, force: true });
      }),
    );
    await this.balancer.stop();
    await this.database.drop();
    await this.dropRedisKeys();
  }

  private async launch(name: string, port: number): Promise<Replica> {
    const controller = await startController({
      port,
      database: this.database,
      dataDir: mkdtempSync(join(tmpdir(), `ac-replica-${name}-`)),
      env: this.env,
    });
    const replica: Replica = {
      name,
      port,
      direct: new Api(controller.baseUrl),
      api: new Api(this.balancer.url, { [REPLICA_HEADER]: name }),
      controller,
      output: () => (this.earlierOutput.get(name) ?? '') + controller.output(),
    };
    this.replicas.set(name, replica);
    return replica;
  }

  /** Only this fleet's keys: other suites share the server. */
  private async dropRedisKeys(): Promise<void> {
    const redis = new Redis(process.env['TEST_REDIS_URL'] ?? '', { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      for await (const keys of redis.scanStream({ match: `${this.redisKeyPrefix}*`, count: 500 })) {
        if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
      }
    } finally {
      redis.disconnect();
    }
  }
}
