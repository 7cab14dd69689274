// `npm test`: unit specs beside the code, the architecture rules against their fixtures (test/architecture), and the
// end-to-end suite on the embedded default (SQLite, in-memory transport).
const base = require('./jest.base');
module.exports = { ...base, testRegex: '(libs|apps|test/architecture)/.*\\.spec\\.ts$|test/e2e/.*\\.e2e-spec\\.ts$' };
