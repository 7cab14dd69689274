import { CustomerErased, CustomerNotFound, StaleCustomerVersion } from '../../domain';
import { anErasedCustomer, aRegisteredCustomer } from '../../domain/testing/customer.mother';
import { InMemoryCustomerRepository } from '../../domain/testing/in-memory-customer.repository';
import { loadForChange } from './load-for-change';

describe('loadForChange: the order of 404, 410 and 412 for every change', () => {
  it('hands back the customer when it exists, is not erased and the version matches', async () => {
    const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({}, { id: '7' }));

    const customer = await loadForChange(customers, '7', '1');

    expect(customer.id).toBe('7');
    expect(customer.version).toBe(1);
  });

  it('accepts any version when none is expected (If-Match: * or no If-Match where it is optional)', async () => {
    const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({}, { id: '7' }));

    await expect(loadForChange(customers, '7', null)).resolves.toMatchObject({ id: '7' });
  });

  it('answers 404 for an unknown id, whatever version the client names', async () => {
    const customers = new InMemoryCustomerRepository();

    await expect(loadForChange(customers, '7', '3')).rejects.toEqual(
      expect.objectContaining({ code: 'CUSTOMER.NOT_FOUND', customerId: '7' }),
    );
    await expect(loadForChange(customers, '7', null)).rejects.toBeInstanceOf(CustomerNotFound);
  });

  // The chosen order: erasure before the version. No version would make a change to an erased customer possible,
  // so a 412 would only send the client to re-read and retry for another answer; HTTP also says to ignore
  // preconditions when the request without them would fail anyway (RFC 9110, 13.2.1).
  it('answers 410 rather than 412 for an erased customer with a stale version', async () => {
    const customers = InMemoryCustomerRepository.with(anErasedCustomer({ id: '7' }));

    await expect(loadForChange(customers, '7', '1')).rejects.toEqual(
      expect.objectContaining({ code: 'CUSTOMER.ERASED', customerId: '7' }),
    );
  });

  it('answers 410 for an erased customer with its current version too', async () => {
    const customers = InMemoryCustomerRepository.with(anErasedCustomer({ id: '7' }));

    await expect(loadForChange(customers, '7', '2')).rejects.toBeInstanceOf(CustomerErased);
    await expect(loadForChange(customers, '7', null)).rejects.toBeInstanceOf(CustomerErased);
  });

  it('answers 412 for a live customer whose version moved on', async () => {
    const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({}, { id: '7' }));

    const error = await loadForChange(customers, '7', '5').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StaleCustomerVersion);
    expect(error).toMatchObject({ code: 'CUSTOMER.VERSION_MISMATCH', expected: '5', actual: '1' });
  });
});
