/**
 * Data source for the TypeORM CLI (`npm run migration:generate`, `migration:show`). It needs a PostgreSQL
 * server (DATABASE_URL); the app itself migrates on start-up on either back end.
 */
import 'reflect-metadata';
import { loadAppConfig } from '@agent-controller/core';
import { serverDataSourceOptions } from '@agent-controller/database';
import { DataSource } from 'typeorm';
import { ENTITIES } from './app/entities';

const config = loadAppConfig(process.env);
if (config.database.kind !== 'server') {
  throw new Error('The migration CLI needs DATABASE_URL (or DB_HOST) pointing at a PostgreSQL server');
}

export default new DataSource(serverDataSourceOptions(config.database, ENTITIES));
