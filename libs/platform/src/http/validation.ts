/**
 * Request validation with class-validator: unknown fields are rejected (so `id`, `version`, `status` in a body are
 * 400s, not silently ignored), and every violation is reported with a JSON pointer into the body.
 */
import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ProblemException, type Violation } from './problem';

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      ProblemException.badRequest(
        'The request has invalid fields or parameters; see errors.',
        toViolations(errors),
        'validation-failed',
      ),
  });
}

export function toViolations(errors: readonly ValidationError[], parent = ''): Violation[] {
  return errors.flatMap((error) => {
    const pointer = `${parent}/${escapePointer(error.property)}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      pointer,
      detail: message.replace(/^property (\S+) should not exist$/, 'is not a known field and is not allowed'),
    }));
    return [...own, ...toViolations(error.children ?? [], pointer)];
  });
}

/** A JSON pointer segment (RFC 6901): `~` and `/` escaped. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
