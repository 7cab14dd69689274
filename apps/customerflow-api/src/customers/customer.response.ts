/**
 * The customer representation (docs/contracts.md), described for OpenAPI. Over an existing database
 * (SCHEMA_MAP_FILE) a record the legacy application wrote is served as stored, so the schema states what such
 * records may look like: rules apply to what CustomerFlow writes, not to what it reads.
 */
import { ApiProperty } from '@nestjs/swagger';
import { AddressRequest, DocumentRequest } from './customer-request-parts';

const AS_STORED =
  'Values CustomerFlow wrote follow the request rules; over an existing database, a record written by the legacy application is served as stored';

export class CustomerResponse {
  @ApiProperty({ example: '42', description: 'A string, so the id strategy can change without breaking clients' })
  id!: string;
  @ApiProperty({ example: 'Ana Souza', description: `1 to 200 characters. ${AS_STORED} (longer, or empty).` })
  name!: string;
  @ApiProperty({
    example: 'ana@example.com',
    nullable: true,
    type: String,
    description: `Lower case. ${AS_STORED}: in its case, or null where the legacy application kept none.`,
  })
  email!: string | null;
  @ApiProperty({
    example: '+5511987654321',
    nullable: true,
    type: String,
    description: `E.164. ${AS_STORED}, as typed, such as (11) 98765-4321.`,
  })
  phone!: string | null;
  @ApiProperty({
    type: DocumentRequest,
    nullable: true,
    description: `${AS_STORED}: the number without its mask, check digits not verified; its type is derived from the length where the database has no type (14 characters CNPJ, otherwise CPF).`,
  })
  document!: DocumentRequest | null;
  @ApiProperty({ example: '1990-04-01', format: 'date', nullable: true, type: String }) birthDate!: string | null;
  @ApiProperty({ enum: ['active', 'inactive'] }) status!: 'active' | 'inactive';
  @ApiProperty({ type: [AddressRequest] }) addresses!: AddressRequest[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ example: 1, minimum: 1 }) version!: number;
}
