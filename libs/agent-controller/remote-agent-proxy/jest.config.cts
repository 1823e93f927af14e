module.exports = {
  displayName: 'agent-controller-remote-agent-proxy',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  // The auth lib (through clients) loads jose, which is ESM-only: compile it to CommonJS like the sources.
  transformIgnorePatterns: ['/node_modules/(?!(jose|oidc-provider)/)'],
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../../coverage/libs/agent-controller/remote-agent-proxy',
};
