import { randomUUID } from 'node:crypto';
import { partitionOffsets } from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';

export interface TopicTailOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topics: readonly string[];
  /** The throwaway group's name starts with it: on a secure cluster the partner's prefix. */
  readonly groupPrefix: string;
  /**
   * Each committed record, in offset order per partition; a batch's records before `batchRead`.
   * After a crash records are handed over again from the beginning.
   */
  readonly each: (topic: string, message: KafkaMessage) => void;
  /** After each fetched batch that held records. */
  readonly batchRead: () => void;
}

/** After a crash kafkajs does not recover from, the reader starts over this much later. */
const RESTART_DELAY_MS = 1_000;

interface Waiter {
  readonly ends: ReadonlyMap<string, bigint>;
  readonly resolve: () => void;
}

/**
 * Reads topics from their beginning and then follows them, committed records only, in a group of
 * its own that commits nothing. `readThrough()` resolves once everything committed when it was
 * called has been handed over: a position counts the offsets fetched (transaction markers
 * included, kafkajs reports them in END_BATCH_PROCESS), since the last record of a transactional
 * topic is always followed by a marker no record ever reaches.
 */
export class TopicTail {
  private consumer: Consumer | undefined;
  /** `<topic>:<partition>` → the next offset to fetch. */
  private readonly positions = new Map<string, bigint>();
  private waiters: Waiter[] = [];
  private stopped = false;

  constructor(private readonly options: TopicTailOptions) {}

  /** Starts following on the first call; resolves when what was committed by now has been read. */
  async readThrough(timeoutMs: number): Promise<void> {
    const ends = await this.endOffsets();
    await this.start();
    if (this.reached(ends)) return;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { ends, resolve };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(
          new Error(
            `${this.options.topics.join(', ')} not read to their end within ${timeoutMs} ms (an open transaction holds them?)`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({ ends, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const { consumer } = this;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async start(): Promise<void> {
    if (this.consumer || this.stopped) return;
    const { kafka, topics, groupPrefix, logger } = this.options;
    const consumer = kafka.consumer({
      groupId: `${groupPrefix}${randomUUID()}`,
      readUncommitted: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const next = BigInt(payload.lastOffset) + 1n;
      const key = `${payload.topic}:${payload.partition}`;
      if (next > (this.positions.get(key) ?? 0n)) this.positions.set(key, next);
      this.wakeWaiters();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      logger.warn({ errorClass: payload.error.name, restart: payload.restart }, 'reader crashed');
      // kafkajs gives up for good on some errors: read again from the beginning with a new
      // consumer (what was read is handed over again, and `each` takes it as already known).
      if (!payload.restart && this.consumer === consumer) void this.restart(consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) this.options.each(batch.topic, message);
        if (batch.messages.length > 0) this.options.batchRead();
        return Promise.resolve();
      },
    });
  }

  private async restart(crashed: Consumer): Promise<void> {
    this.consumer = undefined;
    await crashed.disconnect().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
    await this.start().catch((error: unknown) => {
      this.options.logger.error(
        { errorClass: error instanceof Error ? error.name : 'Unknown' },
        'reader could not restart',
      );
      if (this.consumer) void this.restart(this.consumer);
    });
  }

  private async endOffsets(): Promise<Map<string, bigint>> {
    const ends = new Map<string, bigint>();
    for (const topic of this.options.topics)
      for (const { partition, low, high } of await partitionOffsets(this.options.kafka, topic))
        // An empty partition (or one emptied by retention) has nothing to wait for.
        if (BigInt(high) > BigInt(low)) ends.set(`${topic}:${partition}`, BigInt(high));
    return ends;
  }

  private reached(ends: ReadonlyMap<string, bigint>): boolean {
    return [...ends].every(([key, end]) => (this.positions.get(key) ?? 0n) >= end);
  }

  private wakeWaiters(): void {
    const [done, waiting] = partition(this.waiters, (waiter) => this.reached(waiter.ends));
    this.waiters = waiting;
    for (const waiter of done) waiter.resolve();
  }
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}
