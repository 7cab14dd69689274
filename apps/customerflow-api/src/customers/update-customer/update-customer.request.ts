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
import { DOCUMENT_TYPES, type DocumentType, MAX_ADDRESSES } from '@customerflow/customers';
import { AddressRequest } from '../customer-request-parts';

/** In a merge patch a document may be changed in part ({ "number": "..." } keeps the type). */
export class DocumentPatch {
  @ApiPropertyOptional({ enum: DOCUMENT_TYPES }) @IsOptional() @IsIn(DOCUMENT_TYPES) type?: DocumentType;
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
  @ApiPropertyOptional({ type: [AddressRequest], maxItems: MAX_ADDRESSES, nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ADDRESSES)
  @ValidateNested({ each: true })
  @Type(() => AddressRequest)
  addresses?: AddressRequest[] | null;
}

/**
 * The merge patch a validated request stands for. A field left out of the body is `undefined` on the request
 * object (JSON has no undefined), so dropping those, at every depth, gives back exactly the fields the client sent,
 * with `null` kept apart from "absent".
 */
export function mergePatchOf(request: UpdateCustomerRequest): Record<string, unknown> {
  return withoutUndefined(request) as Record<string, unknown>;
}

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => [key, withoutUndefined(member)]),
  );
}
