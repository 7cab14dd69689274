/** The customer representation (docs/contracts.md), described for OpenAPI. */
import { ApiProperty } from '@nestjs/swagger';
import { AddressRequest, DocumentRequest } from './customer-request-parts';

export class CustomerResponse {
  @ApiProperty({ example: '42', description: 'A string, so the id strategy can change without breaking clients' })
  id!: string;
  @ApiProperty({ example: 'Ana Souza' }) name!: string;
  @ApiProperty({ example: 'ana@example.com' }) email!: string;
  @ApiProperty({ example: '+5511987654321', nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ type: DocumentRequest, nullable: true }) document!: DocumentRequest | null;
  @ApiProperty({ example: '1990-04-01', format: 'date', nullable: true, type: String }) birthDate!: string | null;
  @ApiProperty({ enum: ['active', 'inactive'] }) status!: 'active' | 'inactive';
  @ApiProperty({ type: [AddressRequest] }) addresses!: AddressRequest[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ example: 1, minimum: 1 }) version!: number;
}
