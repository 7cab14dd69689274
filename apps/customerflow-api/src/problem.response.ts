/** RFC 9457 problem details as the API sends them (libs/platform problem.ts), described for OpenAPI. */
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'ProblemViolation', description: 'One invalid part of the request' })
export class ProblemViolationResponse {
  @ApiProperty({
    example: '/email',
    description: 'JSON pointer to the invalid field; for a query parameter, its name, as in /limit',
  })
  pointer!: string;

  @ApiProperty({ example: 'Email must contain exactly one @, like ana@example.com' })
  detail!: string;
}

@ApiSchema({ name: 'Problem', description: 'Every error response, as application/problem+json (RFC 9457)' })
export class ProblemResponse {
  @ApiProperty({
    example: '/problems/validation-failed',
    format: 'uri-reference',
    description: 'Identifies the kind of problem; stable, so clients can branch on it',
  })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({ example: 400, type: 'integer', minimum: 400, maximum: 599 })
  status!: number;

  @ApiProperty({ example: 'The request body has invalid fields; see errors.' })
  detail!: string;

  @ApiPropertyOptional({
    example: '/v1/customers',
    format: 'uri-reference',
    description: 'The request path that failed',
  })
  instance?: string;

  @ApiPropertyOptional({
    example: 'CUSTOMER.EMAIL_TAKEN',
    description: 'A stable machine-readable code, when a domain rule was broken',
  })
  code?: string;

  @ApiPropertyOptional({ type: [ProblemViolationResponse], description: 'Each invalid field, for validation problems' })
  errors?: ProblemViolationResponse[];
}
