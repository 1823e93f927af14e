import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** A pooled connection kept out of the pool while it holds the lock. */
interface Session {
  client: PoolClient;
  /** Hands the connection back to the pool; with an error, the pool closes it instead. */
  done: (error?: unknown) => void;
  onError: () => void;
  broken: boolean;
}

/**
 * A session-level PostgreSQL advisory lock, held on a connection of its own for as long as this replica leads.
 * The lock lives exactly as long as that session: when the replica dies or its connection breaks, PostgreSQL
 * drops it and the next replica to ask takes over. Only for a database server: the embedded one has a single
 * process (and a single connection, which this would take away from everything else).
 */
export class LeaderLock {
  private session?: Session;

  constructor(
    private readonly dataSource: DataSource,
    readonly key: number,
  ) {}

  /** Whether this replica holds the lock, as far as it knows (a broken connection counts as lost at once). */
  get held(): boolean {
    return this.session !== undefined && !this.session.broken;
  }

  /**
   * True while this replica holds the lock, taking it when it is free; false while another replica holds it.
   * Rejects when the database cannot be reached: this replica then leads nothing.
   */
  async acquire(): Promise<boolean> {
    if (this.session) {
      const session = this.session;
      const alive = !session.broken && (await session.client.query('SELECT 1').then(ok, failed));
      if (alive) return true;
      // The lock went with the broken session: compete again on a fresh connection.
      this.session = undefined;
      this.close(session, new Error('leader lock connection lost'));
    }
    const [client, done] = (await (this.dataSource.driver as PostgresDriver).obtainMasterConnection()) as [
      PoolClient,
      (error?: unknown) => void,
    ];
    const session: Session = { client, done, broken: false, onError: () => (session.broken = true) };
    // A checked-out client has no error listener of the pool's: without this one a dropped connection would crash.
    // Either event means the session, and the lock with it, is gone.
    client.on('error', session.onError);
    client.once('end', session.onError);
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.key]);
      if (rows[0].locked) {
        this.session = session;
        return true;
      }
      this.close(session);
      return false;
    } catch (error) {
      this.close(session, error);
      throw error;
    }
  }

  /** Hands the lock back at once; another replica takes it on its next try. */
  async release(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    // Unlocked before the connection goes back to the pool, which would otherwise keep holding the lock.
    const unlocked = await session.client.query('SELECT pg_advisory_unlock($1)', [this.key]).then(ok, failed);
    this.close(session, unlocked ? undefined : new Error('could not unlock'));
  }

  /** Back to the pool, or closed when it broke or may still hold the lock: the pool must never reuse those. */
  private close(session: Session, error?: unknown): void {
    const discard = error ?? (session.broken ? new Error('leader lock connection lost') : undefined);
    // A discarded client keeps our listener: errors of a closing connection must not go unheard.
    if (!discard) {
      session.client.removeListener('error', session.onError);
      session.client.removeListener('end', session.onError);
    }
    session.done(discard);
  }
}

const ok = () => true;
const failed = () => false;
