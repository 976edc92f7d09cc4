/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/data/', '/infra/cdk.out/', '/.services/', '/services/opensearch/target/', '/test/hapi/target/'],
  modulePathIgnorePatterns: ['<rootDir>/.services/', '<rootDir>/services/opensearch/target/', '<rootDir>/test/hapi/target/'],
  testTimeout: 30000,
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
