module.exports = {
  displayName: 'agent-controller-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/specs/**/*.e2e-spec.ts'],
  // Each spec file starts its own controller process (and database); two at a time suit two cores.
  maxWorkers: 2,
  testTimeout: 60_000,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
};
