import type { CaseLedger, StateEntry } from '@samenloop/case';
import { StartupError } from '@samenloop/errors';
import { RECORD_MAC_HEADER, StateSeal, type Pseudonyms, type RecordMac } from '@samenloop/crypto';
import type { OutboundRecord } from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { Kafka } from 'kafkajs';
import { readStateTopic, type StateRecord } from '../topics/compacted-topic.reader';

/** No sealed entry of the case state opens with the hub's secret: the gateway cannot start on it. */
export class UnreadableCaseStateError extends StartupError {
  constructor(stateTopic: string, key: string) {
    super(
      `the case state on ${stateTopic} does not open with the hub secret`,
      [
        `entry ${key} and every other sealed entry were sealed under another secret: put back the hub secret the state was written with (hub/secret.key in the keys folder)`,
      ],
      { hint: 'the gateway does not start on a state it cannot read' },
    );
  }
}

/** Why a record of the case state was not applied. */
export type SkippedStateReason = 'does-not-open' | 'in-clear' | 'tombstone-without-mac';

export interface CaseStateSettings {
  /**
   * One-shot migration of a state written in clear by a version before sealing: only while it is
   * on are clear records read (and rewritten sealed), and tombstones without a MAC (which that
   * version wrote) applied. Off, they are skipped: anyone who can write the topic could write one.
   */
  readonly migrateClearState: boolean;
}

const SKIPPED_EXPLANATIONS: Readonly<Record<SkippedStateReason, string>> = {
  'does-not-open':
    'a case state record that does not open with the hub secret was skipped (forged, altered or moved to another key): find who writes the case state topic',
  'in-clear':
    'a case state record in clear was skipped: the hub writes its state sealed. If it is from a version before sealing, start once with SAMENLOOP_MIGRATE_CLEAR_CASE_STATE=true; otherwise find who writes the case state topic',
  'tombstone-without-mac':
    "a case state tombstone without the hub's MAC was skipped: the value it would delete stays. If it is from a version before sealing, start once with SAMENLOOP_MIGRATE_CLEAR_CASE_STATE=true; otherwise find who writes the case state topic",
};

/** What a restore read: entries applied, records skipped. */
export interface RestoredCaseState {
  readonly entries: number;
  readonly skipped: number;
}

interface OpenedState {
  readonly entries: StateEntry[];
  readonly rewrites: StateEntry[];
  readonly skipped: readonly {
    readonly record: StateRecord;
    readonly reason: SkippedStateReason;
  }[];
}

/**
 * The case ledger on its compacted topic, with nothing in clear: references are stored by their
 * keyed pseudonym (the ledger's `referenceKey`), and every value is sealed with the hub's state key,
 * bound to its record key. Only ids — case keys, message ids, pseudonyms — are readable there.
 * The hub trusts only what it wrote itself: a value that does not open, or a tombstone (which has
 * no value to seal) without the hub's MAC, is skipped, never applied.
 */
export class CaseStateTopic {
  constructor(
    readonly topic: string,
    private readonly pseudonyms: Pseudonyms,
    private readonly seal: StateSeal,
    private readonly mac: RecordMac,
    private readonly logger: Logger,
    private readonly settings: CaseStateSettings,
  ) {}

  /** What the ledger stores a case reference by. */
  readonly referenceKey = (reference: string): string =>
    this.pseudonyms.of('case-reference', reference);

  /** The ledger's staged entries as records of the state topic: values sealed, tombstones MACed. */
  records(entries: readonly StateEntry[]): OutboundRecord[] {
    return entries.map(({ key, value }) => {
      if (value !== null) return { topic: this.topic, key, value: this.seal.seal(value, key) };
      const tombstone = { topic: this.topic, key, value: null };
      return { ...tombstone, headers: { [RECORD_MAC_HEADER]: this.mac.of(tombstone) } };
    });
  }

  /** Rebuilds the ledger from the topic (see `open`). */
  async restore(kafka: Kafka, ledger: CaseLedger): Promise<RestoredCaseState> {
    const opened = this.open(await readStateTopic(kafka, this.topic));
    ledger.restore(opened.entries);
    ledger.rewrite(opened.rewrites);
    return { entries: opened.entries.length, skipped: opened.skipped.length };
  }

  /**
   * The state's records, oldest first, as ledger entries. A record that does not open (forged,
   * altered, moved to another key), a tombstone without the hub's MAC, or a record in clear without
   * the migration is skipped with an operator alert; the key's last genuine value stays in force and is written again, so that
   * compaction keeps it rather than the skipped record. Only when no sealed record opens at all is
   * the secret wrong, and the gateway does not start. With the migration on, a clear record is
   * read, stored by pseudonym and rewritten sealed — its clear key tombstoned — by the next
   * transaction.
   */
  open(records: readonly StateRecord[]): OpenedState {
    const entries: StateEntry[] = [];
    const rewrites: StateEntry[] = [];
    const skipped: { record: StateRecord; reason: SkippedStateReason }[] = [];
    const lastGenuine = new Map<string, StateEntry>();
    const skippedLast = new Set<string>();
    let sealedOpened = 0;
    for (const record of records) {
      const opened = this.opened(record);
      // A tombstone without a MAC on a key with no genuine value deletes nothing: no alert.
      if (
        'skipped' in opened &&
        opened.skipped === 'tombstone-without-mac' &&
        lastGenuine.get(record.key)?.value == null
      )
        continue;
      if ('skipped' in opened) {
        skipped.push({ record, reason: opened.skipped });
        skippedLast.add(record.key);
        continue;
      }
      if (opened.sealed) sealedOpened++;
      skippedLast.delete(record.key);
      lastGenuine.set(record.key, opened.current);
      entries.push(opened.current);
      rewrites.push(...(opened.rewrite ?? []));
    }
    const unopened = skipped.find(({ reason }) => reason === 'does-not-open');
    if (unopened && sealedOpened === 0)
      throw new UnreadableCaseStateError(this.topic, unopened.record.key);
    for (const { record, reason } of skipped) this.alert(record, reason);
    // No tombstone for a key with nothing genuine: that could be a state waiting for its migration.
    for (const key of skippedLast) {
      const genuine = lastGenuine.get(key);
      if (genuine) rewrites.push(genuine);
    }
    return { entries, rewrites, skipped };
  }

  private opened(
    record: StateRecord,
  ):
    | { current: StateEntry; sealed: boolean; rewrite?: readonly StateEntry[] }
    | { skipped: SkippedStateReason } {
    if (record.value === null)
      return this.settings.migrateClearState || this.isOwnTombstone(record)
        ? { current: { key: record.key, value: null }, sealed: false }
        : { skipped: 'tombstone-without-mac' };
    const value = record.value.toString('utf8');
    if (StateSeal.isSealed(value)) {
      try {
        return {
          current: { key: record.key, value: this.seal.open(value, record.key) },
          sealed: true,
        };
      } catch {
        return { skipped: 'does-not-open' };
      }
    }
    if (!this.settings.migrateClearState) return { skipped: 'in-clear' };
    const [kind = '', ...rest] = record.key.split(':');
    const key = kind === 'ref' ? `ref:${this.referenceKey(rest.join(':'))}` : record.key;
    const current = { key, value };
    return {
      current,
      sealed: false,
      rewrite: key === record.key ? [current] : [{ key: record.key, value: null }, current],
    };
  }

  private isOwnTombstone(record: StateRecord): boolean {
    const mac = record.headers[RECORD_MAC_HEADER];
    return (
      mac !== undefined &&
      !Array.isArray(mac) &&
      this.mac.verify({ topic: this.topic, key: record.key, value: null }, mac)
    );
  }

  /** Named by where it sits and its kind of key: a clear record's key may hold a case reference. */
  private alert(record: StateRecord, reason: SkippedStateReason): void {
    this.logger.error(
      {
        alert: 'case-state-record-skipped',
        reason,
        topic: this.topic,
        partition: record.partition,
        offset: record.offset,
        keyKind: record.key.split(':')[0],
      },
      SKIPPED_EXPLANATIONS[reason],
    );
  }
}
