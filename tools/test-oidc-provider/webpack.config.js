const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

// Builds dist/tools/test-oidc-provider/main.js, runnable with plain `node` from the workspace. node_modules stay
// external: oidc-provider is ESM-only and is loaded through Node's require(esm).
module.exports = {
  output: {
    path: join(__dirname, '../../dist/tools/test-oidc-provider'),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && {
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    }),
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: false,
      sourceMap: true,
    }),
  ],
};
