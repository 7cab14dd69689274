/**
 * The entry point of the `@customerflow/contracts` package that subscribers install (`npm pack` in libs/contracts):
 * the contract itself (types, event type names, routing keys, JSON Schemas, the bundled AsyncAPI document) and the
 * validator. The service imports `./index` instead, which needs no ajv at run time.
 */
export * from './index';
export { createCustomerEventValidator } from './event-validator';
export type { CustomerEventValidation, CustomerEventValidator } from './event-validator';
