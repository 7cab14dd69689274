/**
 * What a value object throws when the raw input cannot become a value. It carries only a human-readable detail:
 * the value object does not know where in a request the input came from, so the Customer aggregate turns these
 * into one InvalidCustomerData with JSON pointers.
 */
export class InvalidValue extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}
