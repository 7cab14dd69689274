import { InitialSchema1764400000000 } from './1764400000000-initial-schema';
import { OutboxLeaseIndex1764600000000 } from './1764600000000-outbox-lease-index';
import { CustomerListIndexes1764650000000 } from './1764650000000-customer-list-indexes';
import { InboxMessages1764713000000 } from './1764713000000-inbox-messages';
import { OutboxScrubbedPayload1764720000000 } from './1764720000000-outbox-scrubbed-payload';
import { SchemaMapSideTables1764730000000 } from './1764730000000-schema-map-side-tables';
import { HiloSwitchState1764900000000 } from './1764900000000-hilo-switch-state';

/** Every migration, listed by class (no globs), shared by the app's data source and `ormconfig.ts`. */
export const migrations = [
  InitialSchema1764400000000,
  OutboxLeaseIndex1764600000000,
  CustomerListIndexes1764650000000,
  InboxMessages1764713000000,
  OutboxScrubbedPayload1764720000000,
  SchemaMapSideTables1764730000000,
  HiloSwitchState1764900000000,
];
