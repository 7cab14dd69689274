/**
 * The customer domain: the Customer aggregate, its value objects, domain events, errors and the repository port.
 * Plain TypeScript with no framework imports, so the rules can be read and tested on their own.
 */
export * from './clock';
export * from './customer';
export * from './customer-events';
export * from './customer.repository';
export * from './domain-errors';
export * from './value-objects/address';
export * from './value-objects/birth-date';
export * from './value-objects/country-codes';
export * from './value-objects/document';
export * from './value-objects/email';
export * from './value-objects/invalid-value';
export * from './value-objects/person-name';
export * from './value-objects/phone';
