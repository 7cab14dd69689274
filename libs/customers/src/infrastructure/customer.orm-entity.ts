import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A row of `customers`. The column names are the contract operators and CDC tools rely on (docs/architecture.md). */
@Entity({ name: 'customers' })
export class CustomerOrmEntity {
  // BIGINT travels as a string (mysql2 bigNumberStrings) so ids never lose precision.
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The normalized (lower-case) email; null only once the customer is erased. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  phone!: string | null;

  @Column({ name: 'document_type', type: 'varchar', length: 4, nullable: true })
  documentType!: string | null;

  @Column({ name: 'document_number', type: 'varchar', length: 14, nullable: true })
  documentNumber!: string | null;

  @Column({ name: 'birth_date', type: 'date', nullable: true })
  birthDate!: string | null;

  @Column({ type: 'varchar', length: 8 })
  status!: string;

  /** Checked in the UPDATE's WHERE clause by the repository: @VersionColumn alone would not enforce it. */
  @Column({ type: 'int' })
  version!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'erased_at', type: 'datetime', precision: 3, nullable: true })
  erasedAt!: Date | null;
}
