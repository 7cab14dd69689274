import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AddressRequest } from '../customer-request-parts';

/** In a merge patch a document may be changed in part ({ "number": "..." } keeps the type). */
export class DocumentPatch {
  @ApiPropertyOptional({ enum: ['CPF', 'CNPJ'] }) @IsOptional() @IsIn(['CPF', 'CNPJ']) type?: 'CPF' | 'CNPJ';
  @ApiPropertyOptional({ maxLength: 18 }) @IsOptional() @IsString() @MaxLength(18) number?: string;
}

/**
 * PATCH /v1/customers/{id} as a JSON merge patch (RFC 7396): a field left out stays, `null` removes an optional
 * field, and `name`/`email` cannot be removed.
 */
export class UpdateCustomerRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf((o: UpdateCustomerRequest) => o.name !== undefined)
  @IsString()
  @MaxLength(200)
  name?: string;
  @ApiPropertyOptional({ maxLength: 254 })
  @ValidateIf((o: UpdateCustomerRequest) => o.email !== undefined)
  @IsString()
  @MaxLength(320)
  email?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(32) phone?: string | null;
  @ApiPropertyOptional({ type: DocumentPatch, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DocumentPatch)
  document?: DocumentPatch | null;
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  birthDate?: string | null;
  @ApiPropertyOptional({ type: [AddressRequest], maxItems: 5, nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => AddressRequest)
  addresses?: AddressRequest[] | null;
}
