import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { GROUP_PREFIXES } from './client-ids';

/** A partition's offsets now: `low` is its first record, `high` the offset after its last. */
export interface PartitionOffsets {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

export async function partitionOffsets(kafka: Kafka, topic: string): Promise<PartitionOffsets[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic))
      .map(({ partition, low, high }) => ({ partition, low, high }))
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

export interface ReadPartitionsOptions {
  readonly topic: string;
  /** Where to start reading each partition, and where to stop (exclusive; usually its `high`). */
  readonly ranges: readonly { partition: number; from: string; to: string }[];
  /** Called in offset order per partition, with committed records only (read_committed). */
  readonly each: (partition: number, message: KafkaMessage) => void;
  readonly timeoutMs: number;
  /** A one-off group of the reader's own, where its ACLs allow no `samenloop-read-` group (a partner's). */
  readonly groupId?: string;
}

/**
 * Reads given offset ranges of a topic's partitions, committed records only. A range ends at an
 * offset read, not at a record seen: transaction markers and aborted records take offsets but are
 * never handed over, so the last record of a transactional topic is always followed by a marker.
 * kafkajs reports every fetched batch's last offset (markers included) in its END_BATCH_PROCESS
 * event, even for a batch it filtered to nothing.
 */
export async function readPartitions(kafka: Kafka, options: ReadPartitionsOptions): Promise<void> {
  const pending = new Map(
    options.ranges
      .filter(({ from, to }) => BigInt(from) < BigInt(to))
      .map(({ partition, from, to }) => [partition, { from: BigInt(from), to: BigInt(to) }]),
  );
  if (pending.size === 0) return;
  const consumer = kafka.consumer({
    groupId: options.groupId ?? `${GROUP_PREFIXES.partitionRead}${randomUUID()}`,
    readUncommitted: false,
  });
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${options.topic}: partitions ${[...pending.keys()].join(', ')} not read to their end within ${options.timeoutMs} ms (an open transaction holds them?)`,
            ),
          ),
        options.timeoutMs,
      );
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const range = pending.get(payload.partition);
        if (payload.topic !== options.topic || !range) return;
        if (BigInt(payload.lastOffset) + 1n < range.to) return;
        pending.delete(payload.partition);
        if (pending.size === 0) resolve();
      });
      consumer
        .run({
          eachMessage: ({ partition, message }) => {
            const range = pending.get(partition);
            const offset = BigInt(message.offset);
            if (range && offset >= range.from && offset < range.to)
              options.each(partition, message);
            return Promise.resolve();
          },
        })
        .catch((error: unknown) =>
          reject(error instanceof Error ? error : new Error(String(error))),
        );
      for (const [partition, { from }] of pending)
        consumer.seek({ topic: options.topic, partition, offset: from.toString() });
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
