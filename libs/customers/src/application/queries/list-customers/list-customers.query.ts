import { Query } from '@nestjs/cqrs';
import type { CustomerView } from '../customer.view';
import type { CustomerCursor, CustomerSort } from './customer-cursor';

export const DEFAULT_CUSTOMER_SORT: CustomerSort = '-createdAt';
export const DEFAULT_CUSTOMER_PAGE_SIZE = 20;
export const MAX_CUSTOMER_PAGE_SIZE = 100;

/** One page of customers; `nextCursor` is null on the last page. */
export interface CustomerPageView {
  readonly items: readonly CustomerView[];
  readonly nextCursor: string | null;
}

/**
 * What a list request asks for. Filters are as the client typed them (the handler normalizes them the way the write
 * side stores the values); null means "not filtered". Erased customers are never listed, whatever the filters.
 */
export interface CustomerListCriteria {
  readonly status: 'active' | 'inactive' | null;
  /** Exact match on the normalized (trimmed, lower-case) email. */
  readonly email: string | null;
  /** Exact match on the document number, punctuation (. / -) ignored. */
  readonly document: string | null;
  /** Name prefix; case-insensitive (on MySQL/MariaDB also accent-insensitive, following the column's collation). */
  readonly namePrefix: string | null;
  /** Inclusive lower bound on createdAt. */
  readonly createdFrom: Date | null;
  /** Exclusive upper bound on createdAt, so consecutive ranges neither overlap nor leave gaps. */
  readonly createdTo: Date | null;
  readonly sort: CustomerSort;
  readonly limit: number;
  /** Continue after this position (from a previous page's nextCursor), or start at the first page. */
  readonly after: CustomerCursor | null;
}

export class ListCustomersQuery extends Query<CustomerPageView> {
  constructor(readonly criteria: CustomerListCriteria) {
    super();
  }
}
