export * from './cloud-init';
export { EnvFileEncodingError, encodeEnvFile, encodeEnvValue } from './env-file';
