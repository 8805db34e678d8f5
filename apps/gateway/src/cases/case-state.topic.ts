import type { CaseLedger, StateEntry } from '@samenloop/case';
import { StateSeal, type Pseudonyms } from '@samenloop/crypto';
import type { OutboundRecord } from '@samenloop/messaging';
import type { Kafka } from 'kafkajs';
import { readStateTopic, type StateRecord } from '../topics/compacted-topic.reader';

/** A case state entry that does not open with the hub's secret: the gateway cannot start on it. */
export class UnreadableCaseStateError extends Error {
  readonly retriable = false;
  constructor(stateTopic: string, key: string) {
    super(
      `the case state on ${stateTopic} (entry ${key}) does not open with the hub secret: it was ` +
        'sealed under another secret or altered. Put back the hub secret the state was written with (hub/secret.key in the keys folder); the gateway does not start on a state it cannot read',
    );
    this.name = 'UnreadableCaseStateError';
  }
}

/**
 * The case ledger on its compacted topic, with nothing in clear: references are stored by their
 * keyed pseudonym (the ledger's `referenceKey`), and every value is sealed with the hub's state key,
 * bound to its record key. Only ids — case keys, message ids, pseudonyms — are readable there.
 */
export class CaseStateTopic {
  constructor(
    readonly topic: string,
    private readonly pseudonyms: Pseudonyms,
    private readonly seal: StateSeal,
  ) {}

  /** What the ledger stores a case reference by. */
  readonly referenceKey = (reference: string): string =>
    this.pseudonyms.of('case-reference', reference);

  /** The ledger's staged entries as records of the state topic, values sealed (tombstones stay null). */
  records(entries: readonly StateEntry[]): OutboundRecord[] {
    return entries.map(({ key, value }) => ({
      topic: this.topic,
      key,
      value: value === null ? null : this.seal.seal(value, key),
    }));
  }

  /**
   * Rebuilds the ledger from the topic. A state written before sealing (values and references in
   * clear) is read as it is, stored by pseudonym in memory, and rewritten sealed — its clear keys
   * tombstoned — by the next transaction.
   */
  async restore(kafka: Kafka, ledger: CaseLedger): Promise<number> {
    const entries: StateEntry[] = [];
    const rewrites: StateEntry[] = [];
    for (const record of await readStateTopic(kafka, this.topic)) {
      const entry = this.opened(record);
      if (entry.rewrite) rewrites.push(...entry.rewrite);
      entries.push(entry.current);
    }
    ledger.restore(entries);
    ledger.rewrite(rewrites);
    return entries.length;
  }

  private opened(record: StateRecord): { current: StateEntry; rewrite?: readonly StateEntry[] } {
    if (record.value === null) return { current: { key: record.key, value: null } };
    const value = record.value.toString('utf8');
    if (StateSeal.isSealed(value)) {
      try {
        return { current: { key: record.key, value: this.seal.open(value, record.key) } };
      } catch {
        throw new UnreadableCaseStateError(this.topic, record.key);
      }
    }
    const [kind = '', ...rest] = record.key.split(':');
    const key = kind === 'ref' ? `ref:${this.referenceKey(rest.join(':'))}` : record.key;
    const current = { key, value };
    return {
      current,
      rewrite: key === record.key ? [current] : [{ key: record.key, value: null }, current],
    };
  }
}
