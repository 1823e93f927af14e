// A secondary entry point: the console imports the path builders without the zod schemas of the main one, which
// would otherwise land in its first-load bundle.
export * from './lib/api-paths';
