import { CustomerWasErased } from '../../../domain';
import { aClock, anErasedCustomer, aRegisteredCustomer, NOW } from '../../../domain/testing/customer.mother';
import { InMemoryCustomerRepository } from '../../../domain/testing/in-memory-customer.repository';
import { inlineUnitOfWork } from '../../testing/inline-unit-of-work';
import { EraseCustomerCommand } from './erase-customer.command';
import { EraseCustomerHandler } from './erase-customer.handler';

function handlerFor(customers: InMemoryCustomerRepository): EraseCustomerHandler {
  return new EraseCustomerHandler(customers, inlineUnitOfWork(), aClock());
}

describe('EraseCustomerHandler', () => {
  it('wipes the personal data and keeps the customer as erased', async () => {
    const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({}, { id: '7' }));

    await handlerFor(customers).execute(new EraseCustomerCommand('7', '1'));

    expect(customers.stored('7')).toMatchObject({
      id: '7',
      status: 'erased',
      version: 2,
      email: null,
      document: null,
      phone: null,
      addresses: [],
    });
    expect(customers.stored('7')?.erasedAt?.toISOString()).toBe(NOW);
    expect(customers.saved).toEqual([expect.any(CustomerWasErased)]);
  });

  describe('the shared order (see loadForChange)', () => {
    it('answers 404 for an unknown customer', async () => {
      await expect(
        handlerFor(new InMemoryCustomerRepository()).execute(new EraseCustomerCommand('7', '1')),
      ).rejects.toMatchObject({ code: 'CUSTOMER.NOT_FOUND' });
    });

    it('answers 410, not 412, for an erased customer with a stale version', async () => {
      const customers = InMemoryCustomerRepository.with(anErasedCustomer({ id: '7' }));

      await expect(handlerFor(customers).execute(new EraseCustomerCommand('7', '1'))).rejects.toMatchObject({
        code: 'CUSTOMER.ERASED',
      });
      expect(customers.saved).toEqual([]);
    });

    it('answers 410 for a second erasure without If-Match', async () => {
      const customers = InMemoryCustomerRepository.with(anErasedCustomer({ id: '7' }));

      await expect(handlerFor(customers).execute(new EraseCustomerCommand('7', null))).rejects.toMatchObject({
        code: 'CUSTOMER.ERASED',
      });
    });

    it('answers 412 for a live customer with a stale version and erases nothing', async () => {
      const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({}, { id: '7' }));

      await expect(handlerFor(customers).execute(new EraseCustomerCommand('7', '4'))).rejects.toMatchObject({
        code: 'CUSTOMER.VERSION_MISMATCH',
      });
      expect(customers.stored('7')?.status).toBe('active');
    });
  });
});
