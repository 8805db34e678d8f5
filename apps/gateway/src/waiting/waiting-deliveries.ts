import type { IHeaders } from 'kafkajs';
import type { OutboundRecord } from '@samenloop/messaging';
import type { KeyProblem } from '../keys/hub-keys';

/**
 * Why a delivery waits: its recipient has no usable key, or it has one again but so many earlier
 * deliveries are still to be released that this one queues behind them, to keep their order.
 */
export type WaitReason = KeyProblem | 'eerdere-leveringen-eerst';

/** What a waiting delivery is, by ids only: the record's headers on the state topic. */
export interface WaitingDelivery {
  readonly deliveryId: string;
  readonly recipient: string;
  readonly messageId: string;
  /** When it started waiting (ISO 8601). */
  readonly since: string;
  readonly reason: WaitReason;
  /** The delivery as the hub sealed it for itself: signed by and encrypted to the hub's key. */
  readonly sealed: Buffer;
}

/** A record of the state topic, as read back at start-up. */
export interface WaitingRecord {
  readonly key: string;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

const HEADERS = {
  recipient: 'samenloop.waiting.recipient',
  messageId: 'samenloop.waiting.message.id',
  since: 'samenloop.waiting.since',
  reason: 'samenloop.waiting.reason',
} as const;

/**
 * Deliveries decided for a recipient that has no usable key, kept until it has one: one record
 * per delivery on a compacted state topic (a tombstone once released), so they survive restarts
 * and are never lost to retention. Like the case ledger, changes are staged with the chunk that
 * makes them and applied here only when its transaction commits.
 */
export class WaitingDeliveries {
  private readonly waiting = new Map<string, WaitingDelivery>();
  private staged = new Map<string, WaitingDelivery | null>();

  constructor(private readonly stateTopic: string) {}

  /** Rebuilds the waiting deliveries from the state topic's records, oldest first, replacing what it held. */
  restore(records: Iterable<WaitingRecord>): void {
    this.waiting.clear();
    this.staged = new Map();
    for (const record of records) {
      if (record.value === null) this.waiting.delete(record.key);
      else this.waiting.set(record.key, fromRecord(record.key, record.value, record.headers));
    }
  }

  get size(): number {
    return this.waiting.size;
  }

  /** The recipients with deliveries waiting, committed or staged. */
  recipients(): string[] {
    return [...new Set([...this.current()].map((delivery) => delivery.recipient))];
  }

  /** A recipient's waiting deliveries in the order they started waiting. */
  waitingFor(recipient: string): WaitingDelivery[] {
    return [...this.current()].filter((delivery) => delivery.recipient === recipient);
  }

  hold(delivery: WaitingDelivery): void {
    this.staged.delete(delivery.deliveryId);
    this.staged.set(delivery.deliveryId, delivery);
  }

  released(deliveryId: string): void {
    this.staged.delete(deliveryId);
    this.staged.set(deliveryId, null);
  }

  get pendingRecords(): OutboundRecord[] {
    return [...this.staged].map(([deliveryId, delivery]) =>
      delivery
        ? {
            topic: this.stateTopic,
            key: deliveryId,
            value: delivery.sealed,
            headers: {
              [HEADERS.recipient]: delivery.recipient,
              [HEADERS.messageId]: delivery.messageId,
              [HEADERS.since]: delivery.since,
              [HEADERS.reason]: delivery.reason,
            },
          }
        : { topic: this.stateTopic, key: deliveryId, value: null },
    );
  }

  /** Marks the staged state now; the returned function undoes whatever is staged after it. */
  savepoint(): () => void {
    const saved = new Map(this.staged);
    return () => {
      this.staged = saved;
    };
  }

  committed(): void {
    for (const [deliveryId, delivery] of this.staged) {
      if (delivery) this.waiting.set(deliveryId, delivery);
      else this.waiting.delete(deliveryId);
    }
    this.staged = new Map();
  }

  aborted(): void {
    this.staged = new Map();
  }

  private *current(): Generator<WaitingDelivery> {
    for (const [deliveryId, delivery] of this.waiting)
      if (!this.staged.has(deliveryId)) yield delivery;
    for (const delivery of this.staged.values()) if (delivery) yield delivery;
  }
}

function fromRecord(deliveryId: string, sealed: Buffer, headers: IHeaders): WaitingDelivery {
  const header = (name: string) => headers[name]?.toString() ?? '';
  return {
    deliveryId,
    recipient: header(HEADERS.recipient),
    messageId: header(HEADERS.messageId),
    since: header(HEADERS.since),
    reason: header(HEADERS.reason) as WaitReason,
    sealed,
  };
}
