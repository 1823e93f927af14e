export * from './lib/database.module';
export * from './lib/data-source';
export * from './lib/postgres-errors';
export * from './lib/encryption/encryption-keyring';
export * from './lib/encryption/encrypted-column.transformer';
export * from './lib/embedded/embedded-postgres';
export * from './lib/embedded/data-dir-lock';
export * from './lib/migrations';
