/**
 * The one way a command loads an existing customer it is about to change (update, deactivate, reactivate, erase),
 * so the same situation gets the same answer from every one of them. The checks run in this order:
 *
 * 1. no such customer → CustomerNotFound (404);
 * 2. the customer is erased → CustomerErased (410);
 * 3. the client's expected entity tag (If-Match) is not the current one → StaleCustomerVersion (412).
 *
 * Why 410 before 412: a precondition only decides between doing the change and refusing it, and for an erased
 * customer there is no change to do whatever version the client holds. Answering 412 would send the client to
 * re-read (410) and retry for nothing; 410 says in one answer that the customer is gone for good. It is also what
 * HTTP asks (RFC 9110, section 13.2.1): preconditions are ignored when the request without them would not succeed,
 * and without If-Match a change to an erased customer is a 410. The rules of the change itself (409 already
 * active, 400 invalid data) come after all three, inside the aggregate.
 */
import {
  type Customer,
  CustomerErased,
  type CustomerId,
  CustomerNotFound,
  type CustomerRepository,
} from '../../domain';

export async function loadForChange(
  customers: CustomerRepository,
  customerId: CustomerId,
  expectedTag: string | null,
): Promise<Customer> {
  const customer = await customers.findById(customerId);
  if (!customer) throw new CustomerNotFound(customerId);
  if (customer.status === 'erased') throw new CustomerErased(customerId);
  if (expectedTag !== null) customer.ensureEntityTag(expectedTag);
  return customer;
}
