import { DatabaseConfig } from '@agent-controller/core';
import type { Pool, PoolClient } from 'pg';
import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { MigrationExecutor } from 'typeorm/migration/MigrationExecutor';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { EmbeddedPostgres } from './embedded/embedded-postgres';
import { ADVISORY_LOCKS } from './fleet/advisory-locks';
import { MIGRATIONS } from './migrations';

type Entities = MixedList<string | (new () => unknown) | EntitySchema>;

/** Options shared by both back ends: explicit migrations, never `synchronize`. */
function commonOptions(entities: Entities) {
  return {
    type: 'postgres' as const,
    entities,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    // gen_random_uuid() is built into PostgreSQL ≥ 13 and PGlite, so no extension needs installing.
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
  };
}

/**
 * How the pool rides out a database restart or network cut. A connection that broke is dropped by the pool,
 * and the next request opens a fresh one, so the controller recovers without a restart; while the server is
 * away a request fails fast (DATABASE_UNAVAILABLE) instead of waiting long for a connection.
 */
export const serverPoolBehaviour = {
  // Waiting for a pooled connection or a new one ends after this (pg-pool's connectionTimeoutMillis).
  connectTimeoutMS: 5_000,
  extra: {
    // Notices a peer that vanished without closing the socket (a host or network failure).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // Idle connections are closed after this, so a pool does not sit on sockets a restart made stale.
    idleTimeoutMillis: 30_000,
  },
} as const;

export function serverDataSourceOptions(
  config: Extract<DatabaseConfig, { kind: 'server' }>,
  entities: Entities,
): DataSourceOptions {
  return {
    ...commonOptions(entities),
    url: config.url,
    host: config.host,
    port: config.port,
    username: config.username,
    password: config.password,
    database: config.database,
    ssl: config.ssl ? { rejectUnauthorized: true } : false,
    poolSize: config.poolSize,
    applicationName: 'agent-controller',
    ...serverPoolBehaviour,
    extra: {
      ...serverPoolBehaviour.extra,
      // Sent at connect: a statement stuck behind a lock or a runaway plan is cancelled by the server (57014,
      // answered 503), so it cannot hold a pooled connection, and with it the replica, indefinitely.
      ...(config.statementTimeoutMs > 0 ? { statement_timeout: config.statementTimeoutMs } : {}),
    },
  };
}

/** A data source that also closes the embedded database (and its lock) once its pool has ended. */
export class EmbeddedDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    private readonly embedded: EmbeddedPostgres,
  ) {
    super(options);
  }

  override async destroy(): Promise<void> {
    try {
      if (this.isInitialized) await super.destroy();
    } finally {
      await this.embedded.close();
    }
  }
}

export function embeddedDataSourceOptions(embedded: EmbeddedPostgres, entities: Entities): DataSourceOptions {
  const { connection, host, port, user, password, database } = embedded.pgConfig;
  return {
    ...commonOptions(entities),
    host,
    port,
    username: user,
    password,
    database,
    // PGlite is one backend session: exactly one pooled connection that is never closed while idle.
    poolSize: 1,
    extra: { connection, idleTimeoutMillis: 0 },
    connectTimeoutMS: 30_000,
  };
}

/** Creates, connects and migrates the data source for the configured back end. */
export async function openDataSource(config: DatabaseConfig, entities: Entities): Promise<DataSource> {
  let dataSource: DataSource;
  if (config.kind === 'embedded') {
    const embedded = await EmbeddedPostgres.open(config.dataDir);
    dataSource = new EmbeddedDataSource(embeddedDataSourceOptions(embedded, entities), embedded);
  } else {
    dataSource = new DataSource(serverDataSourceOptions(config, entities));
  }
  try {
    await dataSource.initialize();
    if (config.kind === 'server')
      hearErrorsOfCheckedOutConnections((dataSource.driver as PostgresDriver).master as Pool);
    await runMigrations(dataSource, config.kind);
    return dataSource;
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}

/**
 * pg-pool listens for errors on idle connections only; a checked-out connection's 'error' is heard only if its
 * borrower listens, and an unheard one ends the process. The database outage suite saw the process end once that
 * way during a fast shutdown of the server (not reproduced since), so every connection gets a listener of its own
 * the first time it is handed out: its next query fails (503), and the pool drops it when it comes back unusable.
 */
function hearErrorsOfCheckedOutConnections(pool: Pool): void {
  const heard = new WeakSet<PoolClient>();
  pool.on('acquire', (client) => {
    if (heard.has(client)) return;
    heard.add(client);
    client.on('error', () => undefined);
  });
}

/**
 * Replicas starting together would race on the migrations table, so on a server they take turns under an
 * advisory lock, and the migrations run in the session that holds it, free of the statement timeout (waiting for
 * the lock, or building an index on a large table, may rightly take longer). The embedded database has one process
 * by construction (the data-dir lock).
 */
export async function runMigrations(dataSource: DataSource, kind: DatabaseConfig['kind']): Promise<void> {
  if (kind === 'embedded') {
    await dataSource.runMigrations();
    return;
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SET statement_timeout = 0');
    await runner.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.migrations]);
    try {
      const migrations = new MigrationExecutor(dataSource, runner);
      migrations.transaction = dataSource.options.migrationsTransactionMode ?? 'all';
      await migrations.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.migrations]);
      // Back to the timeout the connection was opened with, before the pool hands it to a request.
      await runner.query('RESET statement_timeout');
    }
  } finally {
    await runner.release();
  }
}
