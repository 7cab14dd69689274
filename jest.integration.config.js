// `npm run test:integration`: the same end-to-end suite plus the integration specs, against MariaDB/MySQL and RabbitMQ.
const base = require('./jest.base');
module.exports = {
  ...base,
  testRegex: 'test/(e2e|integration)/.*\\.(e2e|int)-spec\\.ts$',
  globalSetup: '<rootDir>/test/support/integration-global-setup.ts',
  setupFiles: ['<rootDir>/test/support/integration-env.ts'],
  testTimeout: 120000,
  // SQLite-only checks (query plans of the embedded default) belong to `npm test` alone.
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, 'sqlite-'],
};
