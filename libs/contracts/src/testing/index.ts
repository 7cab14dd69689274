/**
 * Test-only helpers for the customer event contract. Kept out of the lib's index because they need ajv, a
 * devDependency; import from test code as `../../libs/contracts/src/testing` (relative to the test file).
 */
export { createCustomerEventValidator } from '../event-validator';
export type { CustomerEventValidation, CustomerEventValidator } from '../event-validator';
