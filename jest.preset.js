const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  // jose, oidc-provider and @apidevtools/json-schema-ref-parser (under swagger-parser) are ESM-only: compile
  // them to CommonJS like the sources (the built app loads them through require(esm)). Projects that reach
  // them set `allowJs` in their tsconfig.spec.json.
  transformIgnorePatterns: ['/node_modules/(?!(jose|oidc-provider|@apidevtools/json-schema-ref-parser)/)'],
};
