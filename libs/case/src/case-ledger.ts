import { randomUUID } from 'node:crypto';
import type { CaseStage, MessageType } from '@samenloop/contracts';
import { hasPendingAlarm, type CaseAlarms } from './case-alarms';
import {
  decisionFacts,
  growFacts,
  retractFacts,
  type CaseFacts,
  type DecisionFacts,
  type Retraction,
  type StatedFacts,
} from './case-facts';

/** What the hub knows of one case thread. Ids and facts only; no message content. */
export interface CaseRecord {
  readonly caseKey: string;
  readonly stage: CaseStage;
  /** Every case reference seen, as `<kind>:<value>`, e.g. `politieRegistratienummer:PL2100-2026112345`. */
  readonly references: readonly string[];
  /** Facts only grow (see `growFacts`); a zaakfeiten-correctie alone takes one back. */
  readonly facts: CaseFacts;
  /** Per recipient, the ids of the deliveries it received in this thread (newest last). */
  readonly deliveries: Readonly<Record<string, readonly string[]>>;
  /** The message types accepted in this thread. */
  readonly received: readonly MessageType[];
  /** The partners that reported the case (a melding of some kind): whom VT's feedback may reach. */
  readonly melders: readonly string[];
  /** The partners that sent a message in the thread: who may correct its facts. */
  readonly participants: readonly string[];
  readonly alarms: CaseAlarms;
  /**
   * Messages accepted in the thread whose part for Veilig Thuis is held (no VT could be
   * determined), by id, each with the digest of its content: only that same message releases it.
   */
  readonly heldForVt: Readonly<Record<string, string>>;
  /** When the case was closed (gesloten): its retention runs from then. */
  readonly closedAt?: string;
}

/** Messages by which a partner reports a case; their senders are the case's melders. */
const REPORTS: ReadonlySet<MessageType> = new Set<MessageType>([
  'nl.samenloop.zorgmelding',
  'nl.samenloop.acuut-signaal',
  'nl.samenloop.actie-overleg-aanmelding',
  'nl.samenloop.kindermishandeling-afstemming',
]);

/**
 * One record of the state topic; keys are `case:<case key>`, `ref:<reference key>` and
 * `msg:<message id>`. A null value is a tombstone: the key is forgotten.
 */
export interface StateEntry {
  readonly key: string;
  readonly value: string | null;
}

export interface CaseLedgerOptions {
  /**
   * What a case reference is looked up and stored by. The hub gives a keyed pseudonym, so the
   * state topic's keys name no registration number; the identity (default) suits a ledger that
   * never leaves memory, such as a policy test's.
   */
  readonly referenceKey?: (reference: string) => string;
}

export interface AcceptedMessage {
  readonly messageId: string;
  readonly messageType: MessageType;
  /** The sending partner's id. */
  readonly sender: string;
  /** The stage the case is in after the message (see `transition`). */
  readonly stage: CaseStage;
  readonly references: readonly string[];
  readonly relatesTo: readonly string[];
  /** The case facts the message states; they are added to the thread's. */
  readonly facts: CaseFacts;
  /** Facts a zaakfeiten-correctie takes back, after the stated ones are added. */
  readonly retractions?: readonly Retraction[];
}

const MAX_DELIVERIES_PER_RECIPIENT = 200;

/**
 * Case threads, stages and seen message ids, kept in memory and mirrored to a compacted Kafka topic.
 * Changes are staged while a chunk of records is handled and become visible to later chunks only
 * when the chunk's transaction commits (`commit()`); an aborted chunk leaves no trace (`abort()`).
 */
export class CaseLedger {
  private readonly cases = new Map<string, CaseRecord>();
  private readonly caseByReference = new Map<string, string>();
  private readonly caseByMessage = new Map<string, string>();
  /** Committed cases with a pending alarm: what a clock tick looks at, not every case. */
  private readonly withPendingAlarms = new Set<string>();
  /** Committed closed cases, with when they closed: what expiry looks at, not every case. */
  private readonly closedCases = new Map<string, number>();
  private pending = new Map<string, StateEntry>();
  private readonly referenceKey: (reference: string) => string;

  constructor(options: CaseLedgerOptions = {}) {
    this.referenceKey = options.referenceKey ?? ((reference) => reference);
  }

  /**
   * Rebuilds the ledger from the state topic's records, oldest first, replacing whatever it held:
   * an instance that takes over again after standing by must not keep a case whose tombstone
   * compaction has meanwhile removed from the topic.
   */
  restore(entries: Iterable<StateEntry>): void {
    for (const map of [this.cases, this.caseByReference, this.caseByMessage, this.closedCases])
      map.clear();
    this.withPendingAlarms.clear();
    this.pending = new Map();
    for (const entry of entries) this.apply(entry);
  }

  /**
   * Stages entries to be written again as they are: state restored from an older form (say, with
   * references in clear) is rewritten in the current one by the next transaction. Until then the
   * old form stays on the topic and is migrated again at the next start.
   */
  rewrite(entries: Iterable<StateEntry>): void {
    for (const entry of entries) this.stage(entry);
  }

  get size(): number {
    return this.cases.size;
  }

  /** The case a message id was accepted into, if it was accepted before (committed or staged). */
  caseOfMessage(messageId: string): string | undefined {
    return this.lookUp('msg', messageId, this.caseByMessage);
  }

  /**
   * The case threads a message's references and `relatesTo` point at, first match first. More than
   * one means the message claims that two existing threads are one case.
   */
  matchingCases(references: readonly string[], relatesTo: readonly string[]): CaseRecord[] {
    const keys = [
      ...references.map((reference) => this.caseOfReference(reference)),
      ...relatesTo.map((messageId) => this.caseOfMessage(messageId)),
    ].filter((key): key is string => key !== undefined);
    return [...new Set(keys)]
      .map((key) => this.caseRecord(key))
      .filter((record): record is CaseRecord => record !== undefined);
  }

  /**
   * Stages the effect of an accepted message and returns the case as it is after it. When the
   * message links threads that are already separate, it joins the first and the others are
   * reported in `conflictingCaseKeys`: threads are never merged without a person deciding.
   */
  accept(
    message: AcceptedMessage,
  ): CaseRecord & { readonly conflictingCaseKeys: readonly string[] } {
    const [existing, ...conflicting] = this.matchingCases(message.references, message.relatesTo);
    const conflictingKeys = new Set(conflicting.map((record) => record.caseKey));
    // A reference already owned by another thread stays with that thread.
    const references = message.references.filter((reference) => {
      const owner = this.caseOfReference(reference);
      return owner === undefined || !conflictingKeys.has(owner);
    });
    const melders = existing?.melders ?? [];
    const participants = existing?.participants ?? [];
    const record: CaseRecord = {
      caseKey: existing?.caseKey ?? `case-${randomUUID()}`,
      stage: message.stage,
      references: [...new Set([...(existing?.references ?? []), ...references])],
      facts: retractFacts(
        growFacts(existing?.facts ?? {}, message.facts),
        message.retractions ?? [],
      ),
      deliveries: existing?.deliveries ?? {},
      received: [...new Set([...(existing?.received ?? []), message.messageType])],
      melders:
        REPORTS.has(message.messageType) && !melders.includes(message.sender)
          ? [...melders, message.sender]
          : melders,
      participants: participants.includes(message.sender)
        ? participants
        : [...participants, message.sender],
      alarms: existing?.alarms ?? {},
      heldForVt: existing?.heldForVt ?? {},
    };
    this.stage({ key: `case:${record.caseKey}`, value: JSON.stringify(record) });
    for (const reference of references)
      this.stage({ key: `ref:${this.referenceKey(reference)}`, value: record.caseKey });
    this.stage({ key: `msg:${message.messageId}`, value: record.caseKey });
    return { ...record, conflictingCaseKeys: [...conflictingKeys] };
  }

  /** Stages the deliveries made for a message, so later deliveries in the thread can point at them. */
  recordDeliveries(
    caseKey: string,
    deliveries: readonly { recipient: string; deliveryId: string }[],
  ): void {
    if (deliveries.length === 0) return;
    this.update(caseKey, (record) => {
      const byRecipient: Record<string, readonly string[]> = { ...record.deliveries };
      for (const { recipient, deliveryId } of deliveries) {
        byRecipient[recipient] = [...(byRecipient[recipient] ?? []), deliveryId].slice(
          -MAX_DELIVERIES_PER_RECIPIENT,
        );
      }
      return { ...record, deliveries: byRecipient };
    });
  }

  /** Stages that the part for Veilig Thuis of an accepted message is held, until it is released. */
  holdForVt(caseKey: string, messageId: string, digest: string): void {
    this.update(caseKey, (record) => ({
      ...record,
      heldForVt: { ...record.heldForVt, [messageId]: digest },
    }));
  }

  /** Stages that the held part for Veilig Thuis of a message has been routed. */
  releaseForVt(caseKey: string, messageId: string): void {
    this.update(caseKey, (record) => {
      const { [messageId]: _released, ...held } = record.heldForVt;
      return { ...record, heldForVt: held };
    });
  }

  /** Stages that a case is closed now, unless it was closed before: its retention runs from then. */
  close(caseKey: string, at: Date): void {
    if (this.caseRecord(caseKey)?.closedAt !== undefined) return;
    this.update(caseKey, (record) => ({ ...record, closedAt: at.toISOString() }));
  }

  /**
   * Stages tombstones for every case closed before `cutoff` — its record, references and message
   * ids — so compaction removes them from the state topic. Returns the forgotten case keys. A
   * later message with one of its references opens a new case.
   */
  forgetClosedBefore(cutoff: Date): string[] {
    const due = [...this.closedCases]
      .filter(([, closedAt]) => closedAt < cutoff.getTime())
      .map(([caseKey]) => caseKey)
      .filter((caseKey) => this.pending.get(`case:${caseKey}`)?.value !== null);
    if (due.length === 0) return [];
    const forgotten = new Set(due);
    for (const caseKey of due) this.stage({ key: `case:${caseKey}`, value: null });
    for (const [kind, index] of [
      ['ref', this.caseByReference],
      ['msg', this.caseByMessage],
    ] as const)
      for (const [id, caseKey] of index)
        if (forgotten.has(caseKey)) this.stage({ key: `${kind}:${id}`, value: null });
    return due;
  }

  /** Stages a change to a case's alarms. */
  updateAlarms(caseKey: string, change: (alarms: CaseAlarms) => CaseAlarms): void {
    this.update(caseKey, (record) => ({ ...record, alarms: change(record.alarms) }));
  }

  caseRecord(caseKey: string): CaseRecord | undefined {
    const staged = this.pending.get(`case:${caseKey}`);
    if (!staged) return this.cases.get(caseKey);
    return staged.value === null ? undefined : withDefaults(JSON.parse(staged.value) as CaseRecord);
  }

  /** Every case with a pending alarm, committed or staged. */
  *casesWithPendingAlarms(): Generator<CaseRecord> {
    const keys = new Set(this.withPendingAlarms);
    for (const key of this.pending.keys()) if (key.startsWith('case:')) keys.add(key.slice(5));
    for (const key of keys) {
      const record = this.caseRecord(key);
      if (record && hasPendingAlarm(record.alarms)) yield record;
    }
  }

  /** The staged changes, to be written to the state topic in the chunk's transaction. */
  get pendingEntries(): StateEntry[] {
    return [...this.pending.values()];
  }

  /** Marks the staged state now; the returned function undoes whatever is staged after it. */
  savepoint(): () => void {
    const saved = new Map(this.pending);
    return () => {
      this.pending = saved;
    };
  }

  commit(): void {
    for (const entry of this.pending.values()) this.apply(entry);
    this.pending = new Map();
  }

  abort(): void {
    this.pending = new Map();
  }

  private update(caseKey: string, change: (record: CaseRecord) => CaseRecord): void {
    const record = this.caseRecord(caseKey);
    if (!record) return;
    this.stage({ key: `case:${caseKey}`, value: JSON.stringify(change(record)) });
  }

  private stage(entry: StateEntry): void {
    // Re-insert so the last change to a key is also the last entry written.
    this.pending.delete(entry.key);
    this.pending.set(entry.key, entry);
  }

  private caseOfReference(reference: string): string | undefined {
    return this.lookUp('ref', this.referenceKey(reference), this.caseByReference);
  }

  /** The staged value if any (a staged tombstone: none), else the committed one. */
  private lookUp(
    kind: 'ref' | 'msg',
    id: string,
    committed: ReadonlyMap<string, string>,
  ): string | undefined {
    const staged = this.pending.get(`${kind}:${id}`);
    return staged === undefined ? committed.get(id) : (staged.value ?? undefined);
  }

  private apply({ key, value }: StateEntry): void {
    const separator = key.indexOf(':');
    const kind = key.slice(0, separator);
    const id = key.slice(separator + 1);
    if (kind === 'case') {
      if (value === null) {
        this.cases.delete(id);
        this.withPendingAlarms.delete(id);
        this.closedCases.delete(id);
        return;
      }
      const record = withDefaults(JSON.parse(value) as CaseRecord);
      this.cases.set(id, record);
      if (hasPendingAlarm(record.alarms)) this.withPendingAlarms.add(id);
      else this.withPendingAlarms.delete(id);
      if (record.closedAt !== undefined) this.closedCases.set(id, Date.parse(record.closedAt));
    } else if (kind === 'ref' || kind === 'msg') {
      const index = kind === 'ref' ? this.caseByReference : this.caseByMessage;
      if (value === null) index.delete(id);
      else index.set(id, value);
    }
  }
}

/** Records written before a field existed read as if it had its empty value. */
function withDefaults(
  record: Omit<CaseRecord, 'received' | 'melders' | 'participants' | 'alarms' | 'heldForVt'> &
    Partial<CaseRecord>,
): CaseRecord {
  // Before facts only grew, a thread held one municipality, the newest message's.
  const { gemeentecode, ...facts } = record.facts as CaseFacts & { gemeentecode?: string };
  return {
    received: [],
    melders: [],
    participants: [],
    alarms: {},
    heldForVt: {},
    ...record,
    facts: gemeentecode ? growFacts(facts, { gemeentecodes: [gemeentecode] }) : record.facts,
  };
}

/** What a decision in a thread rests on: its facts, grown with what a new message states. */
export function factsInThread(
  record: CaseRecord | undefined,
  stated: StatedFacts = { caseFacts: {} },
): DecisionFacts {
  return decisionFacts(
    record && {
      facts: record.facts,
      melders: record.melders,
      recipients: Object.keys(record.deliveries),
    },
    stated,
  );
}
