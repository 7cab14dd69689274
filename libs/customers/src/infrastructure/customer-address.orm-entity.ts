import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A row of `customer_addresses`: one per address, `position` keeping the order the client gave. */
@Entity({ name: 'customer_addresses' })
export class CustomerAddressOrmEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId!: string;

  @PrimaryColumn({ type: 'int' })
  position!: number;

  @Column({ type: 'varchar', length: 200 })
  street!: string;

  @Column({ type: 'varchar', length: 20 })
  number!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  complement!: string | null;

  @Column({ type: 'varchar', length: 100 })
  district!: string;

  @Column({ type: 'varchar', length: 100 })
  city!: string;

  @Column({ type: 'varchar', length: 50 })
  state!: string;

  @Column({ name: 'postal_code', type: 'varchar', length: 16 })
  postalCode!: string;

  @Column({ type: 'varchar', length: 2 })
  country!: string;
}
