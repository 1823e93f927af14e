import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, appConfig } from '@agent-controller/core';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { PeriodicTasks } from './periodic-tasks';

const HEARTBEAT_MS = 10_000;
/** A replica not heard from for this long is gone (killed, or cut off from the database). */
const STALE_AFTER_MS = 3 * HEARTBEAT_MS;
const TASK = 'ReplicaRegistry';

interface PeerRow {
  id: string;
  hostname: string;
  pid: number;
  has_redis: boolean;
}

/**
 * Which controller processes share this database server, so a fleet split by a missing REDIS_URL is noticed:
 * without Redis each replica keeps its own Socket.IO rooms and rate-limit counters, and a browser linked to
 * one replica misses events raised on another. It warns (at start and whenever another replica appears)
 * rather than refusing to start: a rolling restart of a single replica briefly overlaps old and new, and a
 * killed replica's row lingers until it is stale; refusing then would take the only replica down, while
 * everything kept in PostgreSQL stays correct across replicas anyway. The embedded database has one process.
 */
@Injectable()
export class ReplicaRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly id = randomUUID();
  private readonly logger = new Logger(TASK);
  private readonly startedAt = new Date();
  private peers = new Set<string>();

  constructor(
    private readonly tasks: PeriodicTasks,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.database.kind !== 'server') return;
    this.tasks.schedule(TASK, { everyMs: HEARTBEAT_MS, firstAfterMs: 0 }, () => this.heartbeat());
  }

  /** Says this replica is alive, forgets those that stopped saying so, and warns about new ones on a split fleet. */
  async heartbeat(): Promise<void> {
    const hasRedis = this.config.redis !== undefined;
    await this.dataSource.query(
      `INSERT INTO replicas (id, hostname, pid, started_at, last_seen_at, has_redis) VALUES ($1, $2, $3, $4, now(), $5)
       ON CONFLICT (id) DO UPDATE SET last_seen_at = now(), has_redis = EXCLUDED.has_redis`,
      [this.id, hostname().slice(0, 255), process.pid, this.startedAt, hasRedis],
    );
    await this.dataSource.query(`DELETE FROM replicas WHERE last_seen_at < now() - make_interval(secs => $1)`, [
      STALE_AFTER_MS / 1000,
    ]);
    const peers: PeerRow[] = await this.dataSource.query(
      `SELECT id, hostname, pid, has_redis FROM replicas WHERE id <> $1 ORDER BY started_at`,
      [this.id],
    );
    for (const peer of peers) {
      if (this.peers.has(peer.id) || (hasRedis && peer.has_redis)) continue;
      const whose = hasRedis ? `it runs without REDIS_URL` : `REDIS_URL is not set here`;
      this.logger.warn(
        { replica: { id: peer.id, hostname: peer.hostname, pid: peer.pid, hasRedis: peer.has_redis } },
        `Another replica (${peer.hostname}, pid ${peer.pid}) shares this database but ${whose}: Socket.IO events ` +
          `and rate limits are split across replicas (a browser linked to one replica misses events raised on ` +
          `another; each counts its own rate-limit budget). Set REDIS_URL on every replica.`,
      );
    }
    this.peers = new Set(peers.map((peer) => peer.id));
  }

  /** Leaves the registry at once, so the replicas left do not count this one until it goes stale. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.config.database.kind !== 'server') return;
    await this.tasks.stop(TASK);
    await this.dataSource.query('DELETE FROM replicas WHERE id = $1', [this.id]).catch((error: unknown) => {
      this.logger.warn({ cause: String(error) }, 'Could not leave the replica registry; it goes stale by itself');
    });
  }
}
