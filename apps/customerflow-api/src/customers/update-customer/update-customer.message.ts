import { Type } from 'class-transformer';
import { IsInt, IsObject, Min, ValidateNested } from 'class-validator';
import { UpdateCustomerRequest } from './update-customer.request';

/**
 * `data` of a `customerflow.customer.update.v1` command: the expected version (required, as If-Match is over HTTP)
 * and the JSON merge patch, validated field by field like the PATCH body.
 */
export class UpdateCustomerMessage {
  @IsInt() @Min(1) version!: number;
  @IsObject() @ValidateNested() @Type(() => UpdateCustomerRequest) patch!: UpdateCustomerRequest;
}
