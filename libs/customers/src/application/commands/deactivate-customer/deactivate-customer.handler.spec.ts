import { Customer, CustomerDeactivated } from '../../../domain';
import { aClock, anErasedCustomer, aRegisteredCustomer } from '../../../domain/testing/customer.mother';
import { InMemoryCustomerRepository } from '../../../domain/testing/in-memory-customer.repository';
import { inlineUnitOfWork } from '../../testing/inline-unit-of-work';
import { DeactivateCustomerCommand } from './deactivate-customer.command';
import { DeactivateCustomerHandler } from './deactivate-customer.handler';

function handlerFor(customers: InMemoryCustomerRepository): DeactivateCustomerHandler {
  return new DeactivateCustomerHandler(customers, inlineUnitOfWork(), aClock());
}

function anInactiveCustomer(): Customer {
  const customer = aRegisteredCustomer({}, { id: '7' });
  customer.deactivate(aClock());
  return Customer.restore(customer.snapshot());
}

describe('DeactivateCustomerHandler', () => {
  it('deactivates an active customer, bumping its version', async () => {
    const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({}, { id: '7' }));

    const customer = await handlerFor(customers).execute(new DeactivateCustomerCommand('7', '1'));

    expect(customer).toMatchObject({ id: '7', status: 'inactive', version: 2 });
    expect(customers.stored('7')).toMatchObject({ status: 'inactive', version: 2 });
    expect(customers.saved).toEqual([expect.any(CustomerDeactivated)]);
  });

  it('answers 409 for a customer that is already inactive', async () => {
    const customers = InMemoryCustomerRepository.with(anInactiveCustomer());

    await expect(handlerFor(customers).execute(new DeactivateCustomerCommand('7', null))).rejects.toMatchObject({
      code: 'CUSTOMER.ALREADY_INACTIVE',
    });
  });

  describe('the shared order (see loadForChange)', () => {
    it('answers 404 for an unknown customer', async () => {
      await expect(
        handlerFor(new InMemoryCustomerRepository()).execute(new DeactivateCustomerCommand('7', '1')),
      ).rejects.toMatchObject({ code: 'CUSTOMER.NOT_FOUND' });
    });

    it('answers 410, not 412, for an erased customer with a stale version', async () => {
      const customers = InMemoryCustomerRepository.with(anErasedCustomer({ id: '7' }));

      await expect(handlerFor(customers).execute(new DeactivateCustomerCommand('7', '1'))).rejects.toMatchObject({
        code: 'CUSTOMER.ERASED',
      });
    });

    it('answers 412 before 409 for an inactive customer with a stale version', async () => {
      const customers = InMemoryCustomerRepository.with(anInactiveCustomer());

      await expect(handlerFor(customers).execute(new DeactivateCustomerCommand('7', '1'))).rejects.toMatchObject({
        code: 'CUSTOMER.VERSION_MISMATCH',
      });
    });
  });
});
