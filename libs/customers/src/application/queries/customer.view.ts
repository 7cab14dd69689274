import type { CustomerRepresentation } from '@customerflow/contracts';

/** What the read side returns for a customer: the REST representation, plain and read-only. */
export type CustomerView = Readonly<CustomerRepresentation>;
