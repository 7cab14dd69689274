import { Command } from '@nestjs/cqrs';

/** Erasure (right to be forgotten): personal data is wiped, the row stays with status `erased`. */
export class EraseCustomerCommand extends Command<void> {
  constructor(
    readonly customerId: string,
    readonly expectedTag: string | null,
  ) {
    super();
  }
}
