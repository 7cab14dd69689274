import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export class DocumentDto {
  @IsIn(['CPF', 'CNPJ'])
  type!: 'CPF' | 'CNPJ';

  @IsString()
  @Matches(/^[0-9A-Z.\-/]{11,18}$/)
  number!: string;
}

export class AddressDto {
  @IsString() @IsNotEmpty() @MaxLength(200) street!: string;
  @IsString() @IsNotEmpty() @MaxLength(20) number!: string;
  @IsOptional() @IsString() @MaxLength(100) complement?: string | null;
  @IsString() @IsNotEmpty() @MaxLength(100) district!: string;
  @IsString() @IsNotEmpty() @MaxLength(100) city!: string;
  @IsString() @IsNotEmpty() @MaxLength(50) state!: string;
  @IsString() @IsNotEmpty() @MaxLength(16) postalCode!: string;
  @IsString() @Length(2, 2) country!: string;
}

export class CreateCustomerDto {
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @IsEmail() email!: string;
  @IsOptional() @Matches(/^\+[1-9]\d{7,14}$/) phone?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => DocumentDto)
  document?: DocumentDto;

  @IsOptional() @IsDateString() birthDate?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => AddressDto)
  addresses?: AddressDto[];
}
