import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  VersionColumn,
} from 'typeorm';

@Entity('customers')
export class Customer {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column()
  name!: string;

  @Column({ nullable: true })
  email!: string;

  @Column({ nullable: true })
  phone!: string;

  @Column({ name: 'document_type', nullable: true })
  documentType!: string;

  @Column({ name: 'document_number', nullable: true })
  documentNumber!: string;

  @Column({ name: 'birth_date', type: 'date', nullable: true })
  birthDate!: string;

  @Column({ default: 'active' })
  status!: string;

  @VersionColumn()
  version!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @OneToMany(() => Address, (address) => address.customer, { cascade: true })
  addresses!: Address[];
}

@Entity('customer_addresses')
export class Address {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId!: string;

  @PrimaryColumn()
  position!: number;

  @Column()
  street!: string;

  @Column()
  number!: string;

  @Column({ type: 'varchar', nullable: true })
  complement!: string | null;

  @Column()
  district!: string;

  @Column()
  city!: string;

  @Column()
  state!: string;

  @Column({ name: 'postal_code' })
  postalCode!: string;

  @Column()
  country!: string;

  @ManyToOne(() => Customer, (customer) => customer.addresses, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer!: Customer;
}
