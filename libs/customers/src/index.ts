export * from './customers.module';
export * from './customer-problems';
export * from './domain';
export * from './application/commands/register-customer/register-customer.command';
export * from './application/commands/update-customer/update-customer.command';
export * from './application/commands/deactivate-customer/deactivate-customer.command';
export * from './application/commands/reactivate-customer/reactivate-customer.command';
export * from './application/commands/erase-customer/erase-customer.command';
export * from './application/queries/get-customer/get-customer.query';
export * from './application/queries/list-customers/list-customers.query';
export * from './application/queries/list-customers/customer-cursor';
export * from './application/queries/customer.view';
export { entityTagOf } from './application/customer-representation';
export { CustomerOrmEntity } from './infrastructure/customer.orm-entity';
export { CustomerAddressOrmEntity } from './infrastructure/customer-address.orm-entity';
export { customerOrmEntitiesFor } from './infrastructure/schema-mapped/schema-mapped.entities';
export { MappedCustomerTables, OwnCustomerTables } from './application/queries/customer-tables';
export {
  CaptureNotSupported,
  capturePlan,
  type CapturePlan,
  type CaptureTrigger,
} from './infrastructure/schema-mapped/legacy-capture/capture-triggers';
export {
  CaptureRefused,
  captureStatus,
  type CaptureStatus,
  describeCaptureStatus,
  installCapture,
  uninstallCapture,
} from './infrastructure/schema-mapped/legacy-capture/legacy-capture';
