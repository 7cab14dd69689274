import { Customer, CustomerReactivated } from '../../../domain';
import { aClock, anErasedCustomer, aRegisteredCustomer } from '../../../domain/testing/customer.mother';
import { InMemoryCustomerRepository } from '../../../domain/testing/in-memory-customer.repository';
import { inlineUnitOfWork } from '../../testing/inline-unit-of-work';
import { ReactivateCustomerCommand } from './reactivate-customer.command';
import { ReactivateCustomerHandler } from './reactivate-customer.handler';

function handlerFor(customers: InMemoryCustomerRepository): ReactivateCustomerHandler {
  return new ReactivateCustomerHandler(customers, inlineUnitOfWork(), aClock());
}

/** Stored inactive, at version 2. */
function anInactiveCustomer(): Customer {
  const customer = aRegisteredCustomer({}, { id: '7' });
  customer.deactivate(aClock());
  return Customer.restore(customer.snapshot());
}

describe('ReactivateCustomerHandler', () => {
  it('reactivates an inactive customer, bumping its version', async () => {
    const customers = InMemoryCustomerRepository.with(anInactiveCustomer());

    const customer = await handlerFor(customers).execute(new ReactivateCustomerCommand('7', '2'));

    expect(customer).toMatchObject({ id: '7', status: 'active', version: 3 });
    expect(customers.stored('7')).toMatchObject({ status: 'active', version: 3 });
    expect(customers.saved).toEqual([expect.any(CustomerReactivated)]);
  });

  it('answers 409 for a customer that is already active', async () => {
    const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({}, { id: '7' }));

    await expect(handlerFor(customers).execute(new ReactivateCustomerCommand('7', null))).rejects.toMatchObject({
      code: 'CUSTOMER.ALREADY_ACTIVE',
    });
  });

  describe('the shared order (see loadForChange)', () => {
    it('answers 404 for an unknown customer', async () => {
      await expect(
        handlerFor(new InMemoryCustomerRepository()).execute(new ReactivateCustomerCommand('7', '1')),
      ).rejects.toMatchObject({ code: 'CUSTOMER.NOT_FOUND' });
    });

    it('answers 410, not 412, for an erased customer with a stale version', async () => {
      const customers = InMemoryCustomerRepository.with(anErasedCustomer({ id: '7' }));

      await expect(handlerFor(customers).execute(new ReactivateCustomerCommand('7', '1'))).rejects.toMatchObject({
        code: 'CUSTOMER.ERASED',
      });
    });

    it('answers 412 before 409 for an active customer with a stale version', async () => {
      const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({}, { id: '7' }));

      await expect(handlerFor(customers).execute(new ReactivateCustomerCommand('7', '5'))).rejects.toMatchObject({
        code: 'CUSTOMER.VERSION_MISMATCH',
      });
    });
  });
});
