/**
 * A customer's email address, normalised (trimmed, lower-cased) because that form is what is stored, compared and
 * kept unique. The check is a pragmatic subset of the RFC 5322 addr-spec: dot-atom local part and a DNS host name.
 * Quoted local parts, IP-literal domains and internationalized addresses (EAI, IDN in Unicode form) are refused on
 * purpose: hardly any real customer has one, and mail systems downstream often cannot deliver to them.
 */
import { InvalidValue } from './invalid-value';
import { requireText } from './text';

const MAX_LENGTH = 254; // RFC 5321 path limit minus the angle brackets
const MAX_LOCAL_LENGTH = 64;
const LOCAL_PART = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^[a-z]{2,}$/;

export class Email {
  private constructor(readonly value: string) {}

  static of(raw: string): Email {
    const trimmed = requireText(raw, 'Email').trim();
    if (trimmed.length === 0) throw new InvalidValue('Email is required');
    if (trimmed.length > MAX_LENGTH) throw new InvalidValue(`Email must have at most ${MAX_LENGTH} characters`);
    // Checked before lower-casing: some non-ASCII letters lower-case to ASCII (the Kelvin sign K becomes "k").
    if (/[\u0080-\uffff]/.test(trimmed)) {
      throw new InvalidValue('Email must use ASCII characters only; internationalized addresses are not accepted');
    }
    const parts = trimmed.toLowerCase().split('@');
    if (parts.length !== 2) throw new InvalidValue('Email must contain exactly one @, like ana@example.com');
    const [local, domain] = parts as [string, string];
    checkLocalPart(local);
    checkDomain(domain);
    return new Email(`${local}@${domain}`);
  }

  /** Rebuilds a stored value without checking it: it was checked when written, and must load even if rules tighten. */
  static restore(value: string): Email {
    return new Email(value);
  }

  equals(other: Email): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}

function checkLocalPart(local: string): void {
  if (local.length < 1 || local.length > MAX_LOCAL_LENGTH) {
    throw new InvalidValue(`Email must have 1 to ${MAX_LOCAL_LENGTH} characters before the @`);
  }
  if (!LOCAL_PART.test(local)) throw new InvalidValue('Email has a character before the @ that is not allowed');
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    throw new InvalidValue('Email must not start or end with a dot before the @, nor have two dots in a row');
  }
}

function checkDomain(domain: string): void {
  const labels = domain.split('.');
  if (labels.length < 2) throw new InvalidValue('Email domain must have at least one dot, like example.com');
  for (const label of labels) {
    if (!DOMAIN_LABEL.test(label)) {
      throw new InvalidValue(
        'Email domain parts must have 1 to 63 letters, digits or hyphens, and not start or end with a hyphen',
      );
    }
  }
  if (!TOP_LEVEL_DOMAIN.test(labels[labels.length - 1])) {
    throw new InvalidValue('Email domain must end in a top-level domain of 2 or more letters, like .com');
  }
}
