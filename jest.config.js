// `npm test`: unit specs beside the code and the end-to-end suite on the embedded default (SQLite, in-memory transport).
const base = require('./jest.base');
module.exports = { ...base, testRegex: '(libs|apps)/.*\\.spec\\.ts$|test/e2e/.*\\.e2e-spec\\.ts$' };
