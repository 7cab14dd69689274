import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, isISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import {
  CUSTOMER_SORTS,
  type CustomerSort,
  DEFAULT_CUSTOMER_PAGE_SIZE,
  DEFAULT_CUSTOMER_SORT,
  MAX_CUSTOMER_PAGE_SIZE,
} from '@customerflow/customers';

/** RFC 3339 date-time with an explicit offset; isISO8601 (strict) then rejects impossible dates such as 2026-02-30. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function IsDateTime(): PropertyDecorator {
  return ValidateBy({
    name: 'isDateTime',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && DATE_TIME.test(value) && isISO8601(value, { strict: true, strictSeparator: true }),
      // A "+" in a query string decodes to a space, the likeliest reason a correct-looking offset fails.
      defaultMessage: (args) =>
        `${args?.property} must be a date-time with a time zone, such as 2026-01-31T00:00:00Z (write + as %2B in a URL)`,
    },
  });
}

/**
 * GET /v1/customers query parameters. Every parameter is optional but, when present, must be valid and not empty;
 * a parameter not listed here is a 400 (the global ValidationPipe forbids unknown ones), so a typo such as `stauts`
 * fails loudly instead of silently listing everything.
 */
export class ListCustomersQueryParams {
  @ApiPropertyOptional({
    enum: ['active', 'inactive'],
    description: 'Only customers in this status. Erased customers are never listed.',
  })
  @IsOptional()
  @IsIn(['active', 'inactive'], { message: '$property must be active or inactive' })
  status?: 'active' | 'inactive';

  @ApiPropertyOptional({
    description: 'Exact email; compared trimmed and lower-cased, as emails are stored',
    example: 'ana@example.com',
    maxLength: 320,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({
    description: 'Exact CPF or CNPJ number; punctuation (. / -) and letter case are ignored',
    example: '529.982.247-25',
    maxLength: 18,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(18)
  document?: string;

  @ApiPropertyOptional({
    description:
      'Name prefix, case-insensitive; % and _ match only themselves. On MySQL/MariaDB accents are ignored too (Ana finds Ána); on the embedded SQLite only ASCII letters fold case.',
    example: 'Ana',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only customers created at or after this instant (inclusive)',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsDateTime()
  createdFrom?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Only customers created before this instant (exclusive), so consecutive windows neither overlap nor leave gaps',
    example: '2026-02-01T00:00:00Z',
  })
  @IsOptional()
  @IsDateTime()
  createdTo?: string;

  @ApiPropertyOptional({
    enum: [...CUSTOMER_SORTS],
    default: DEFAULT_CUSTOMER_SORT,
    description:
      'Order of the list; a leading - means descending. Customers with equal names or creation times are ordered by id, in the same direction.',
  })
  @IsOptional()
  @IsIn([...CUSTOMER_SORTS], { message: `$property must be one of ${CUSTOMER_SORTS.join(', ')}` })
  sort?: CustomerSort;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_CUSTOMER_PAGE_SIZE,
    default: DEFAULT_CUSTOMER_PAGE_SIZE,
    description: 'Page size',
  })
  @IsOptional()
  @Matches(/^(?:[1-9][0-9]?|100)$/, { message: `$property must be a whole number from 1 to ${MAX_CUSTOMER_PAGE_SIZE}` })
  limit?: string;

  @ApiPropertyOptional({
    description:
      'The nextCursor of the previous page, exactly as returned, with the same sort (the other parameters should stay the same too). Opaque: its format may change.',
    maxLength: 1024,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  cursor?: string;
}
