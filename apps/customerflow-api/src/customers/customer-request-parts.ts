/**
 * Request shapes shared by the register and update use cases. They check types and sizes only; the domain's
 * value objects check meaning (check digits, E.164, calendar dates, country codes) and report pointers too.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { DOCUMENT_TYPES, type DocumentType } from '@customerflow/customers';

export class AddressRequest {
  @ApiProperty({ example: 'Avenida Paulista', maxLength: 200 }) @IsString() @MaxLength(200) street!: string;
  @ApiProperty({ example: '1578', maxLength: 20 }) @IsString() @MaxLength(20) number!: string;
  @ApiPropertyOptional({ example: 'Apto 12', maxLength: 100, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  complement?: string | null;
  @ApiProperty({ example: 'Bela Vista', maxLength: 100 }) @IsString() @MaxLength(100) district!: string;
  @ApiProperty({ example: 'São Paulo', maxLength: 100 }) @IsString() @MaxLength(100) city!: string;
  @ApiProperty({ example: 'SP', maxLength: 50 }) @IsString() @MaxLength(50) state!: string;
  @ApiProperty({ example: '01310200', maxLength: 16 }) @IsString() @MaxLength(16) postalCode!: string;
  @ApiProperty({ example: 'BR', description: 'ISO 3166-1 alpha-2', minLength: 2, maxLength: 2 })
  @IsString()
  @MaxLength(2)
  country!: string;
}

export class DocumentRequest {
  @ApiProperty({ enum: DOCUMENT_TYPES, example: 'CPF' }) @IsIn(DOCUMENT_TYPES) type!: DocumentType;
  @ApiProperty({
    example: '52998224725',
    description: 'CPF (11 digits) or CNPJ (14 characters, alphanumeric since 2026); punctuation is ignored',
    maxLength: 18,
  })
  @IsString()
  @MaxLength(18)
  number!: string;
}
