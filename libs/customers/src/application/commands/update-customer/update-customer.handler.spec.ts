import { CustomerUpdated, DocumentAlreadyTaken } from '../../../domain';
import {
  aClock,
  anEmail,
  anErasedCustomer,
  aRegisteredCustomer,
  aValidCpf,
} from '../../../domain/testing/customer.mother';
import { InMemoryCustomerRepository } from '../../../domain/testing/in-memory-customer.repository';
import { inlineUnitOfWork } from '../../testing/inline-unit-of-work';
import { UpdateCustomerCommand } from './update-customer.command';
import { UpdateCustomerHandler } from './update-customer.handler';

const LATER = '2025-06-15T13:00:00.000Z';

function handlerFor(customers: InMemoryCustomerRepository): UpdateCustomerHandler {
  return new UpdateCustomerHandler(customers, inlineUnitOfWork(), aClock(LATER));
}

describe('UpdateCustomerHandler', () => {
  it('applies the merge patch, bumps the version and records what changed', async () => {
    const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({}, { id: '7' }));

    const customer = await handlerFor(customers).execute(
      new UpdateCustomerCommand('7', { name: 'Ana Lima', phone: null }, '1'),
    );

    expect(customer).toMatchObject({ id: '7', name: 'Ana Lima', phone: null, version: 2, updatedAt: LATER });
    expect(customer.email).toBe(anEmail());
    expect(customers.saved).toEqual([expect.any(CustomerUpdated)]);
    expect((customers.saved[0] as CustomerUpdated).changes).toMatchObject({ name: 'Ana Lima', phone: null });
  });

  it('changes nothing and keeps the version when the patch changes nothing', async () => {
    const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({ name: 'Ana Souza' }, { id: '7' }));

    const customer = await handlerFor(customers).execute(new UpdateCustomerCommand('7', { name: 'Ana Souza' }, '1'));

    expect(customer.version).toBe(1);
    expect(customers.saved).toEqual([]);
  });

  it('refuses a document registered to another customer', async () => {
    const customers = InMemoryCustomerRepository.with(
      aRegisteredCustomer({}, { id: '7' }),
      aRegisteredCustomer({ email: anEmail(1), document: { type: 'CPF', number: aValidCpf(1) } }, { id: '8' }),
    );

    const attempt = handlerFor(customers).execute(
      new UpdateCustomerCommand('7', { document: { number: aValidCpf(1) } }, '1'),
    );

    await expect(attempt).rejects.toBeInstanceOf(DocumentAlreadyTaken);
    expect(customers.stored('7')?.version).toBe(1);
  });

  describe('the shared order (see loadForChange)', () => {
    it('answers 404 for an unknown customer', async () => {
      await expect(
        handlerFor(new InMemoryCustomerRepository()).execute(new UpdateCustomerCommand('7', { name: 'X' }, '1')),
      ).rejects.toMatchObject({ code: 'CUSTOMER.NOT_FOUND' });
    });

    it('answers 410, not 412, for an erased customer with a stale version', async () => {
      const customers = InMemoryCustomerRepository.with(anErasedCustomer({ id: '7' }));

      await expect(
        handlerFor(customers).execute(new UpdateCustomerCommand('7', { name: 'X' }, '1')),
      ).rejects.toMatchObject({ code: 'CUSTOMER.ERASED' });
    });

    it('answers 412 for a live customer with a stale version, saving nothing', async () => {
      const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({}, { id: '7' }));

      await expect(
        handlerFor(customers).execute(new UpdateCustomerCommand('7', { name: 'X' }, '9')),
      ).rejects.toMatchObject({ code: 'CUSTOMER.VERSION_MISMATCH', expected: '9', actual: '1' });
      expect(customers.saved).toEqual([]);
    });
  });
});
