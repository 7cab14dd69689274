// `npm run test:faults`: Jepsen-style accounting against real processes, MariaDB and RabbitMQ (see test/faults).
const base = require('./jest.base');
module.exports = {
  ...base,
  testRegex: 'test/faults/.*\\.fault-spec\\.ts$',
  globalSetup: '<rootDir>/test/faults/support/faults-global-setup.ts',
  setupFiles: ['<rootDir>/test/faults/support/faults-env.ts'],
  testTimeout: 180000,
};
