/** One Jest run for the whole monorepo, so the shared harness starts PostgreSQL, NATS and Redis once. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: [
    '**/src/**/*.test.ts',
    '**/bench/**/*.test.ts',
    '**/e2e/**/*.test.ts',
    '**/infra/**/*.test.ts',
    '**/client/lib/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.next/', '/.data/'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.base.json' }] },
  moduleNameMapper: {
    '^@microtick/common$': '<rootDir>/common/src/index.ts',
    '^@microtick/devstack$': '<rootDir>/devstack/src/index.ts',
  },
  globalSetup: '<rootDir>/devstack/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/devstack/src/testing/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
