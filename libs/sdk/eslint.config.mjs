import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // Written by tools/scripts/generate-sdk.mjs (openapi-typescript); checked for drift by a test.
  { ignores: ['src/generated/**'] },
];
