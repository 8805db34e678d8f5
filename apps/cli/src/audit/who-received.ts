import {
  bsnIdentity,
  normalisedName,
  personIdentity,
  type DataSubject,
  type PseudonymSource,
  type SubjectIdentity,
} from '@samenloop/audit';
import { isBsn } from '@samenloop/contracts';

/** An access request's subject and the operator's reason to look, before anything is read. */
export interface SubjectQuery {
  /** The BSN, and/or name and birth date (the index has the latter only where a message had no BSN). */
  readonly identities: readonly SubjectIdentity[];
  readonly purpose: string;
}

export class InvalidAccessQueryError extends Error {
  override readonly name = 'InvalidAccessQueryError';
}

/**
 * Checks the command's options. The purpose is stored in the audit, so it must not name the person
 * it is about: a BSN, a name of four letters or more, or the birth date in it is refused.
 */
export function subjectQuery(options: {
  readonly bsn?: string;
  readonly name?: string;
  readonly birthdate?: string;
  readonly purpose?: string;
}): SubjectQuery {
  const identities: SubjectIdentity[] = [];
  const problems: string[] = [];
  if (options.bsn !== undefined) {
    const bsn = bsnIdentity(options.bsn);
    if (isBsn(bsn.value)) identities.push(bsn);
    else problems.push('--bsn must be a BSN: 9 digits that pass the 11-test');
  }
  if ((options.name === undefined) !== (options.birthdate === undefined))
    problems.push('--name and --birthdate go together: a name alone does not identify a person');
  else if (options.name !== undefined && options.birthdate !== undefined) {
    if (normalisedName(options.name) === '') problems.push('--name must not be empty');
    else if (!isIsoDate(options.birthdate))
      problems.push('--birthdate must be a date as YYYY-MM-DD, e.g. 2019-05-30');
    else identities.push(personIdentity(options.name, options.birthdate));
  }
  if (options.bsn === undefined && options.name === undefined && options.birthdate === undefined)
    problems.push('name the data subject: --bsn <BSN>, or --name <name> --birthdate <YYYY-MM-DD>');
  const purpose = options.purpose?.trim() ?? '';
  if (purpose === '')
    problems.push(
      '--purpose is required: why the audit is searched, e.g. the access request’s number',
    );
  else if (namesTheSubject(purpose, options))
    problems.push(
      '--purpose must not contain the BSN, name or birth date it is about: it is kept in the audit; give the request’s number instead',
    );
  if (problems.length > 0) throw new InvalidAccessQueryError(problems.join('; '));
  return { identities, purpose };
}

function namesTheSubject(
  purpose: string,
  options: { readonly bsn?: string; readonly name?: string; readonly birthdate?: string },
): boolean {
  // Digits read across spaces, dots and dashes, as a BSN is often written.
  const digits = purpose.replace(/(?<=[0-9])[\s.-]+(?=[0-9])/g, '');
  const bsn = options.bsn?.replace(/[^0-9]/g, '');
  if (bsn && digits.includes(bsn)) return true;
  if (options.birthdate && purpose.includes(options.birthdate.trim())) return true;
  if (!options.name) return false;
  const words = ` ${normalisedName(purpose).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  const name = normalisedName(options.name);
  return (
    words.includes(` ${name} `) ||
    // Short words are too often prefixes or ordinary words ("van", "de") to refuse on.
    name.split(/[^\p{L}\p{N}]+/u).some((part) => part.length >= 4 && words.includes(` ${part} `))
  );
}

function isIsoDate(value: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** The pseudonyms to look for: one per identity in the query, with the hub's secret. */
export function soughtSubjects(query: SubjectQuery, pseudonyms: PseudonymSource): DataSubject[] {
  return query.identities.map(({ by, value }) => ({ by, pseudonym: pseudonyms.of(by, value) }));
}

/** One delivery of the subject's data, as the audit tells it. */
export interface SubjectDelivery {
  /** When it went out: decided and sent in one transaction, or released after waiting for a key. */
  readonly deliveredAt: string | null;
  readonly status: 'delivered' | 'released' | 'waiting';
  readonly recipient: string;
  readonly level: string;
  readonly messageType: string;
  readonly messageId: string;
  readonly deliveryId: string;
  readonly caseKey: string | null;
  readonly deliveredFields: readonly string[];
  readonly ruleIds: readonly string[];
  readonly purposes: readonly string[];
  readonly legalBases: readonly { readonly label: string; readonly reference: string }[];
  readonly policyVersion: string;
  /** Which of the sought subjects it names (by `by`): a query by BSN and name can match either. */
  readonly matchedBy: readonly DataSubject['by'][];
}

interface DecisionRecord {
  readonly kind: 'decision';
  readonly messageId: string;
  readonly messageType: string;
  readonly caseKey: string | null;
  readonly recipient: string;
  readonly level: string;
  readonly deliveryId: string | null;
  readonly ruleIds: readonly string[];
  readonly deliveredFields: readonly string[];
  readonly purposes: readonly string[];
  readonly legalBases: readonly { readonly label: string; readonly reference: string }[];
  readonly policyVersion: string;
  readonly decidedAt: string;
  /** Absent in records written before the audit named data subjects. */
  readonly dataSubjects?: readonly DataSubject[];
}

type AuditRecord =
  | DecisionRecord
  | { readonly kind: 'delivery-waiting'; readonly deliveryId: string }
  | { readonly kind: 'delivery-released'; readonly deliveryId: string; readonly releasedAt: string }
  | { readonly kind: 'other' };

/**
 * Collects, from the audit records in order, every delivery whose decision names one of the sought
 * subjects; a delivery that waited for its recipient's key counts from its release.
 */
export class SubjectDeliveries {
  private readonly found = new Map<string, SubjectDelivery>();
  private readonly waiting = new Set<string>();
  private readonly released = new Map<string, string>();

  constructor(private readonly sought: readonly DataSubject[]) {}

  add(value: string): void {
    const record = parseAudit(value);
    switch (record.kind) {
      case 'decision':
        return this.addDecision(record);
      case 'delivery-waiting':
        this.waiting.add(record.deliveryId);
        return;
      case 'delivery-released':
        this.released.set(record.deliveryId, record.releasedAt);
        return;
      case 'other':
        return;
    }
  }

  /** The deliveries found, oldest first. */
  deliveries(): SubjectDelivery[] {
    return [...this.found.values()]
      .map((delivery): SubjectDelivery => {
        const releasedAt = this.released.get(delivery.deliveryId);
        if (releasedAt) return { ...delivery, status: 'released', deliveredAt: releasedAt };
        if (this.waiting.has(delivery.deliveryId))
          return { ...delivery, status: 'waiting', deliveredAt: null };
        return delivery;
      })
      .sort((a, b) => (a.deliveredAt ?? '\uffff').localeCompare(b.deliveredAt ?? '\uffff'));
  }

  /** How many of the deliveries found name this subject. */
  countFor(subject: DataSubject): number {
    return [...this.found.values()].filter((delivery) => delivery.matchedBy.includes(subject.by))
      .length;
  }

  private addDecision(record: DecisionRecord): void {
    if (record.deliveryId === null || record.level === 'geen') return;
    const matchedBy = this.sought
      .filter((subject) =>
        (record.dataSubjects ?? []).some(
          (named) => named.by === subject.by && named.pseudonym === subject.pseudonym,
        ),
      )
      .map((subject) => subject.by);
    if (matchedBy.length === 0) return;
    this.found.set(record.deliveryId, {
      deliveredAt: record.decidedAt,
      status: 'delivered',
      recipient: record.recipient,
      level: record.level,
      messageType: record.messageType,
      messageId: record.messageId,
      deliveryId: record.deliveryId,
      caseKey: record.caseKey,
      deliveredFields: record.deliveredFields,
      ruleIds: record.ruleIds,
      purposes: record.purposes,
      legalBases: record.legalBases,
      policyVersion: record.policyVersion,
      matchedBy,
    });
  }
}

function parseAudit(value: string): AuditRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // Not written by the hub's pipeline: nothing of an access request's answer is in it.
    return { kind: 'other' };
  }
  const kind = (parsed as { kind?: unknown } | null)?.kind;
  return kind === 'decision' || kind === 'delivery-waiting' || kind === 'delivery-released'
    ? (parsed as AuditRecord)
    : { kind: 'other' };
}

/** The answer for a person reading at a terminal: one block per delivery, oldest first. */
export function formatDeliveries(deliveries: readonly SubjectDelivery[]): string {
  if (deliveries.length === 0) return 'no deliveries of data about this person in the audit\n';
  const rows = deliveries.map((delivery) => [
    delivery.deliveredAt ?? 'waiting',
    delivery.recipient,
    delivery.level,
    delivery.messageType.replace(/^nl\.samenloop\./, ''),
    delivery.messageId,
    delivery.deliveryId,
  ]);
  const header = ['when', 'to', 'level', 'message type', 'message id', 'delivery id'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const blocks = deliveries.map((delivery, index) =>
    [
      line(rows[index]!),
      `    paths:        ${
        delivery.level === 'notificatie'
          ? '(notification: that the message exists, no content)'
          : delivery.deliveredFields.join(', ')
      }`,
      `    rules:        ${delivery.ruleIds.join(', ')} (policy ${delivery.policyVersion})`,
      `    purpose:      ${delivery.purposes.join(' | ')}`,
      `    legal basis:  ${delivery.legalBases.map((basis) => basis.label).join(' | ')}`,
      ...(delivery.status === 'delivered' ? [] : [`    status:       ${delivery.status}`]),
    ].join('\n'),
  );
  return `${line(header)}\n${blocks.join('\n')}\n${deliveries.length} deliveries\n`;
}
