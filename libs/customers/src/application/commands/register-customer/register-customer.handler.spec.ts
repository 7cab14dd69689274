import { CustomerRegistered, EmailAlreadyTaken } from '../../../domain';
import {
  aClock,
  aCustomerInput,
  anEmail,
  aRegisteredCustomer,
  aValidCpf,
  NOW,
} from '../../../domain/testing/customer.mother';
import { InMemoryCustomerRepository } from '../../../domain/testing/in-memory-customer.repository';
import { inlineUnitOfWork } from '../../testing/inline-unit-of-work';
import { RegisterCustomerCommand } from './register-customer.command';
import { RegisterCustomerHandler } from './register-customer.handler';

describe('RegisterCustomerHandler', () => {
  it('saves an active customer at version 1 and answers with its representation', async () => {
    const customers = new InMemoryCustomerRepository();
    const handler = new RegisterCustomerHandler(customers, inlineUnitOfWork(), aClock());

    const customer = await handler.execute(new RegisterCustomerCommand(aCustomerInput({ name: '  Ana Souza ' })));

    expect(customer).toMatchObject({ id: '1', name: 'Ana Souza', status: 'active', version: 1, createdAt: NOW });
    expect(customers.stored('1')).toMatchObject({ name: 'Ana Souza', version: 1 });
    expect(customers.saved).toEqual([expect.any(CustomerRegistered)]);
  });

  it('takes the id the database assigns when ids are auto-increment', async () => {
    const customers = new InMemoryCustomerRepository({ ids: 'auto-increment' });
    const handler = new RegisterCustomerHandler(customers, inlineUnitOfWork(), aClock());

    const customer = await handler.execute(new RegisterCustomerCommand(aCustomerInput()));

    expect(customer.id).toBe('1');
    expect(customers.stored('1')).toMatchObject({ id: '1' });
  });

  it('refuses an email already registered to another customer, saving nothing', async () => {
    const customers = InMemoryCustomerRepository.with(aRegisteredCustomer({ email: anEmail(1) }, { id: '1' }));
    const handler = new RegisterCustomerHandler(customers, inlineUnitOfWork(), aClock());

    const attempt = handler.execute(
      new RegisterCustomerCommand(
        aCustomerInput({ email: anEmail(1), document: { type: 'CPF', number: aValidCpf(3) } }),
      ),
    );

    await expect(attempt).rejects.toBeInstanceOf(EmailAlreadyTaken);
    expect(customers.saved).toEqual([]);
  });

  it('refuses invalid data with every violation and saves nothing', async () => {
    const customers = new InMemoryCustomerRepository();
    const handler = new RegisterCustomerHandler(customers, inlineUnitOfWork(), aClock());

    const attempt = handler.execute(new RegisterCustomerCommand(aCustomerInput({ name: '', email: 'nope' })));

    await expect(attempt).rejects.toMatchObject({
      code: 'CUSTOMER.INVALID_DATA',
      violations: [expect.objectContaining({ pointer: '/name' }), expect.objectContaining({ pointer: '/email' })],
    });
    expect(customers.saved).toEqual([]);
  });
});
