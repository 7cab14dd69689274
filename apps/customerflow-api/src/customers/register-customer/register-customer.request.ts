import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MAX_ADDRESSES } from '@customerflow/customers';
import { AddressRequest, DocumentRequest } from '../customer-request-parts';

/** POST /v1/customers. `id`, `version`, `status` and timestamps are not fields here, so sending them is a 400. */
export class RegisterCustomerRequest {
  @ApiProperty({ example: 'Ana Souza', minLength: 1, maxLength: 200 }) @IsString() @MaxLength(200) name!: string;
  @ApiProperty({
    example: 'ana@example.com',
    description: 'Normalized to lower case; unique among customers that are not erased',
    maxLength: 254,
  })
  @IsString()
  @MaxLength(320)
  email!: string;
  @ApiPropertyOptional({ example: '+5511987654321', description: 'E.164', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string | null;
  @ApiPropertyOptional({ type: DocumentRequest, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DocumentRequest)
  document?: DocumentRequest | null;
  @ApiPropertyOptional({ example: '1990-04-01', format: 'date', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  birthDate?: string | null;
  @ApiPropertyOptional({ type: [AddressRequest], maxItems: MAX_ADDRESSES })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ADDRESSES)
  @ValidateNested({ each: true })
  @Type(() => AddressRequest)
  addresses?: AddressRequest[];
}
