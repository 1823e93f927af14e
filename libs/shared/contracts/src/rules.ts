// A secondary entry point: the limits and checks the console's forms share with the API, without the zod schemas
// of the main one, which would otherwise land in the console's page chunks.
export * from './lib/rules';
export * from './lib/label-rules';
export * from './lib/label-selector';
