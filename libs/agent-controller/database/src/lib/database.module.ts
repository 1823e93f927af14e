import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { AppConfig, appConfig, DATABASE_OUTAGE_CHECK, DatabaseConfig } from '@agent-controller/core';
import { EntitySchema, MixedList } from 'typeorm';
import { openDataSource } from './data-source';
import { DataDirLockedError } from './embedded/data-dir-lock';
import { PeriodicTasks } from './fleet/periodic-tasks';
import { ReplicaRegistry } from './fleet/replica-registry';
import { ReplicaEntity } from './fleet/replica.entity';
import { installEncryptionKeyring } from './encryption/encrypted-column.transformer';
import { EncryptionKeyring } from './encryption/encryption-keyring';
import { isDatabaseUnavailable } from './postgres-errors';

/** The tables of this module: the replica registry. */
export const DATABASE_ENTITIES = [ReplicaEntity];

/** What `useFactory` hands to `dataSourceFactory`: the back end to open, not yet open. */
type PendingOptions = TypeOrmModuleOptions & { pendingDatabase: DatabaseConfig };

/**
 * Connects to the configured PostgreSQL (server or embedded), migrates it, and installs the encryption keyring.
 * Also the fleet's coordination through that database: periodic tasks (leader-elected where one replica of the
 * fleet must run them) and the registry of live replicas.
 */
@Module({})
export class DatabaseModule {
  static forRoot(entities: MixedList<string | (new () => unknown) | EntitySchema>): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        ScheduleModule.forRoot(),
        TypeOrmModule.forRootAsync({
          inject: [appConfig.KEY],
          useFactory: (config: AppConfig): PendingOptions => ({
            type: 'postgres',
            pendingDatabase: config.database,
            // A server that is still starting deserves retries; a data directory held by another process does not.
            retryAttempts: 6,
            retryDelay: 2000,
            toRetry: (error: unknown) => !(error instanceof DataDirLockedError),
          }),
          dataSourceFactory: async (options) => openDataSource((options as PendingOptions).pendingDatabase, entities),
        }),
      ],
      providers: [
        // Lets the API's exception filter answer 503 DATABASE_UNAVAILABLE instead of 500 during an outage.
        { provide: DATABASE_OUTAGE_CHECK, useValue: isDatabaseUnavailable },
        PeriodicTasks,
        ReplicaRegistry,
        {
          provide: EncryptionKeyring,
          inject: [appConfig.KEY],
          useFactory: (config: AppConfig) => {
            const keyring = new EncryptionKeyring(config.encryption.key, config.encryption.previousKeys);
            installEncryptionKeyring(keyring);
            return keyring;
          },
        },
      ],
      exports: [EncryptionKeyring, TypeOrmModule, DATABASE_OUTAGE_CHECK, PeriodicTasks, ReplicaRegistry],
    };
  }
}
