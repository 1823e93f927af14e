export {
  type CloudProvider,
  type ContractCheck,
  loadOpenApiContract,
  OpenApiContract,
  OPENAPI_DIR,
  OPENAPI_FILES,
} from './openapi-validator';
