// The package exposes this entry only through `exports`, which `moduleResolution: node10` (needed by Nest's
// CommonJS build) ignores; point the types at the file the export resolves to.
declare module '@electric-sql/pglite/node-postgres' {
  export * from '@electric-sql/pglite/dist/node-postgres/index';
}

declare module '@electric-sql/pglite/contrib/pg_trgm' {
  export * from '@electric-sql/pglite/dist/contrib/pg_trgm';
}
