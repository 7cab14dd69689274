/** The admin endpoints' bodies, described for OpenAPI. */
import { ApiProperty } from '@nestjs/swagger';

export class OutboxStatsResponse {
  @ApiProperty({ description: 'Rows not yet published and not dead-lettered', minimum: 0 }) pending!: number;
  @ApiProperty({ description: 'Rows currently leased by a relay', minimum: 0 }) inFlight!: number;
  @ApiProperty({ minimum: 0 }) deadLetters!: number;
  @ApiProperty({ description: 'Age of the oldest pending row in ms (0 when none)', minimum: 0 })
  oldestPendingAgeMs!: number;
  @ApiProperty({ minimum: 0 }) publishedLastMinute!: number;
}

export class DeadLetterResponse {
  @ApiProperty({ format: 'uuid', description: 'The event id' }) id!: string;
  @ApiProperty({ example: 'customerflow.customer.registered.v1' }) type!: string;
  @ApiProperty({ example: '42' }) aggregateId!: string;
  @ApiProperty({ minimum: 0 }) attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time' }) deadLetteredAt!: string;
}

export class DeadLettersResponse {
  @ApiProperty({ type: [DeadLetterResponse] }) items!: DeadLetterResponse[];
}
