import type { MessageType, Naam } from '@samenloop/contracts';
import { covers, type FieldPath } from '@samenloop/policy';
import { bsnIdentity, fullName, personIdentity, type SubjectIdentity } from './person-identity';

/**
 * Where a message type holds persons: `part` is everything about one person (array items as
 * `*`), `identity` the pointer below it to the object with `bsn`, `naam` and `geboortedatum`.
 * Professionals (contactpersoon, officier van justitie) are named in their role, without birth
 * date or BSN, and are not indexed. A spec checks this table against every schema.
 */
export const PERSON_LOCATIONS: Readonly<
  Record<MessageType, readonly { readonly part: FieldPath; readonly identity: FieldPath }[]>
> = {
  'nl.samenloop.zorgmelding': [{ part: '/betrokkenen/*', identity: '/persoon' }],
  'nl.samenloop.acuut-signaal': [{ part: '/betrokkenen/*', identity: '/persoon' }],
  'nl.samenloop.actie-overleg-aanmelding': [{ part: '/betrokkenen/*', identity: '/persoon' }],
  'nl.samenloop.kindermishandeling-afstemming': [{ part: '/kinderen/*', identity: '' }],
  'nl.samenloop.veiligheidsbeoordeling': [{ part: '/kinderenInBeeld/*', identity: '' }],
  'nl.samenloop.verdachtenmonitor-entry': [{ part: '/verdachte', identity: '' }],
  'nl.samenloop.afdoeningsbeslissing': [],
  'nl.samenloop.terugkoppeling-aan-melder': [],
  'nl.samenloop.zaakfeiten-correctie': [],
  'nl.samenloop.zaakafsluiting': [],
  'nl.samenloop.zsm-termijn-signalering': [],
  'nl.samenloop.zorgmelding-ontbreekt': [],
  'nl.samenloop.routering-geparkeerd': [],
  'nl.samenloop.koppeling-conflict': [],
  'nl.samenloop.beleid-geweigerd': [],
};

/** One person in one message: where their part is (with array indexes) and who they are. */
export interface PersonInMessage {
  readonly path: FieldPath;
  readonly identity: SubjectIdentity;
}

/** A data subject as the audit names it: by pseudonym only. */
export interface DataSubject {
  readonly by: SubjectIdentity['by'];
  readonly pseudonym: string;
}

/** What computes pseudonyms: `Pseudonyms` from the hub secret (`@samenloop/crypto`). */
export interface PseudonymSource {
  of(domain: SubjectIdentity['by'], value: string): string;
}

/** What a recipient got of a message, as the policy decided it. */
export interface DeliveredPart {
  readonly level: 'inhoud' | 'notificatie' | 'geen';
  /** Paths with array indexes of the top-most parts delivered (at level inhoud). */
  readonly deliveredFields: readonly FieldPath[];
}

/** Every person in a (validated) payload of `messageType`, identified by BSN where it has one. */
export function personsOf(messageType: MessageType, payload: unknown): PersonInMessage[] {
  const persons: PersonInMessage[] = [];
  for (const { part, identity } of PERSON_LOCATIONS[messageType])
    for (const [path, value] of valuesAt(payload, segments(part), '')) {
      const person = valuesAt(value, segments(identity), '')[0]?.[1];
      if (isPerson(person)) persons.push({ path, identity: identityOf(person) });
    }
  return persons;
}

/**
 * The persons whose data a delivery disclosed. At level inhoud: those with any delivered path
 * inside their part (a role alone still says something about that person), or above it. At level
 * notificatie: everyone in the message — the recipient learns that a message of this type exists
 * in a case it can link to them, which is personal data of each (AVG art. 4(1)), so an access
 * request must list it. At level geen: nobody.
 */
export function disclosedPersons(
  persons: readonly PersonInMessage[],
  delivered: DeliveredPart,
): PersonInMessage[] {
  switch (delivered.level) {
    case 'geen':
      return [];
    case 'notificatie':
      return [...persons];
    case 'inhoud':
      return persons.filter(({ path }) =>
        delivered.deliveredFields.some((field) => covers(field, path) || covers(path, field)),
      );
  }
}

/** The audit's `dataSubjects` for a delivery: one pseudonym per person, each person once. */
export function dataSubjectsOf(
  persons: readonly PersonInMessage[],
  pseudonyms: PseudonymSource,
): DataSubject[] {
  const subjects = new Map<string, DataSubject>();
  for (const { identity } of persons) {
    const pseudonym = pseudonyms.of(identity.by, identity.value);
    subjects.set(`${identity.by}:${pseudonym}`, { by: identity.by, pseudonym });
  }
  return [...subjects.values()];
}

interface PersonFields {
  readonly bsn?: string;
  readonly naam: Naam;
  readonly geboortedatum: string;
}

function identityOf(person: PersonFields): SubjectIdentity {
  return person.bsn
    ? bsnIdentity(person.bsn)
    : personIdentity(fullName(person.naam), person.geboortedatum);
}

function isPerson(value: unknown): value is PersonFields {
  if (typeof value !== 'object' || value === null) return false;
  const { naam, geboortedatum } = value as Record<string, unknown>;
  return (
    typeof geboortedatum === 'string' &&
    typeof naam === 'object' &&
    naam !== null &&
    typeof (naam as Record<string, unknown>).achternaam === 'string'
  );
}

function segments(pointer: FieldPath): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/');
}

/** The values a pointer pattern reaches in `value`, each with its path (indexes for `*`). */
function valuesAt(value: unknown, rest: readonly string[], at: string): [FieldPath, unknown][] {
  const [segment, ...below] = rest;
  if (segment === undefined) return [[at, value]];
  if (segment === '*')
    return Array.isArray(value)
      ? value.flatMap((item, index) => valuesAt(item, below, `${at}/${index}`))
      : [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const child = (value as Record<string, unknown>)[segment];
  return child === undefined ? [] : valuesAt(child, below, `${at}/${segment}`);
}
