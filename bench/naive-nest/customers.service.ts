import { randomUUID } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Customer } from './customer.entity';
import type { CreateCustomerDto } from './create-customer.dto';
import { EventsPublisher } from './events.publisher';

@Injectable()
export class CustomersService {
  constructor(
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
    private readonly events: EventsPublisher,
  ) {}

  async create(dto: CreateCustomerDto): Promise<Customer> {
    const now = new Date();
    const customer = this.customers.create({
      name: dto.name,
      email: dto.email.toLowerCase(),
      phone: dto.phone,
      documentType: dto.document?.type,
      documentNumber: dto.document?.number.replace(/\D/g, ''),
      birthDate: dto.birthDate,
      status: 'active',
      createdAt: now,
      updatedAt: now,
      addresses: (dto.addresses ?? []).map((address, position) => ({ ...address, position })),
    });
    const saved = await this.customers.save(customer);
    await this.events.publish('customer.registered', {
      id: randomUUID(),
      type: 'customer.registered',
      time: now.toISOString(),
      data: { id: saved.id, name: saved.name, email: saved.email },
    });
    return saved;
  }

  async findOne(id: string): Promise<Customer> {
    const customer = await this.customers.findOne({ where: { id }, relations: { addresses: true } });
    if (!customer) throw new NotFoundException(`Customer ${id} not found`);
    return customer;
  }

  findAll(status: string | undefined, limit: number, page: number): Promise<Customer[]> {
    return this.customers.find({
      where: status ? { status } : {},
      relations: { addresses: true },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: (page - 1) * limit,
    });
  }
}
