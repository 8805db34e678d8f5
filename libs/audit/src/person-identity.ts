import type { Naam } from '@samenloop/contracts';

/**
 * How a data subject is named in the audit index: by BSN, or — only where a message has no BSN
 * for the person — by name and birth date. The `value` is what gets pseudonymised; it never
 * leaves the process that computes the pseudonym.
 */
export interface SubjectIdentity {
  readonly by: 'bsn' | 'person';
  readonly value: string;
}

/** A BSN as the index keys it: its digits only, so `9999 12 345` and `999912345` are one person. */
export function bsnIdentity(bsn: string): SubjectIdentity {
  return { by: 'bsn', value: bsn.replace(/[^0-9]/g, '') };
}

/**
 * A person without BSN: the full name (first names, prefix and surname, in that order, joined by
 * spaces) in Unicode NFC, lower-case, with whitespace collapsed, then a newline and the ISO birth
 * date. Gateway and CLI must agree on this byte for byte, or an access request finds nothing.
 */
export function personIdentity(name: string, birthDate: string): SubjectIdentity {
  return { by: 'person', value: `${normalisedName(name)}\n${birthDate.trim()}` };
}

/** The name fields of a contract's `naam`, in the order `personIdentity` expects. */
export function fullName(naam: Naam): string {
  return [naam.voornamen, naam.voorvoegsel, naam.achternaam].filter(Boolean).join(' ');
}

export function normalisedName(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}
