/**
 * What the customer message handlers share: the commands arrive over RabbitMQ as CloudEvents (see
 * `@customerflow/inbox`), and their `data` is validated by the same class-validator pipe as the HTTP bodies.
 */
import { IsInt, IsOptional, Min } from 'class-validator';
import type { CommandMessage } from '@customerflow/inbox';
import { createValidationPipe, ProblemException } from '@customerflow/platform';

/** Validates `data` against the parameter's DTO class, exactly as the HTTP pipe validates a body. */
export const validData = createValidationPipe();

/** `data` of deactivate, reactivate and erase: the expected version, optional (absent = whatever it is now). */
export class ExpectedVersionMessage {
  @IsOptional() @IsInt() @Min(1) version?: number;
}

/** The customer a command is about: its CloudEvents `subject`. */
export function subjectOf(command: CommandMessage): string {
  if (command.subject) return command.subject;
  throw ProblemException.badRequest(
    'The command must name the customer id in the CloudEvents subject.',
    [{ pointer: '/subject', detail: 'is required' }],
    'validation-failed',
  );
}

/** A command message's expected version as the entity tag the handlers compare (a bare version); null: any. */
export function versionTag(version: number | null | undefined): string | null {
  return version == null ? null : String(version);
}
