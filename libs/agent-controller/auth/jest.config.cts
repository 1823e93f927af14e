module.exports = {
  displayName: 'agent-controller-auth',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  // jose is ESM-only: compile it to CommonJS like the sources (the built app loads it through require(esm)).
  transformIgnorePatterns: ['/node_modules/(?!(jose|oidc-provider)/)'],
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../../coverage/libs/agent-controller/auth',
};
