import { randomUUID } from 'node:crypto';
import { GROUP_PREFIXES } from '@samenloop/messaging';
import type { IHeaders, Kafka } from 'kafkajs';

const MARKER_PREFIX = 'marker:';

/** A record of a compacted state topic as read back; a null value is a tombstone. */
export interface StateRecord {
  readonly key: string;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  /** Where it sits, so a record that is refused can be named without its key or value. */
  readonly partition: number;
  readonly offset: string;
}

/**
 * Every committed record of a compacted state topic, oldest first. A marker record written now and
 * read back (read_committed) proves that everything before it has been read — robust against the
 * transaction markers that make "end offset" an unreliable finish line.
 */
export async function readStateTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 120_000,
): Promise<StateRecord[]> {
  const marker = `${MARKER_PREFIX}${randomUUID()}`;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: marker, value: '' }] });
    const records = await readUntil(kafka, topic, marker, timeoutMs);
    // A tombstone lets compaction drop the marker.
    await producer.send({ topic, acks: -1, messages: [{ key: marker, value: null }] });
    return records;
  } finally {
    await producer.disconnect();
  }
}

async function readUntil(
  kafka: Kafka,
  topic: string,
  marker: string,
  timeoutMs: number,
): Promise<StateRecord[]> {
  const consumer = kafka.consumer({
    groupId: `${GROUP_PREFIXES.stateRestore}${randomUUID()}`,
    readUncommitted: false,
  });
  const records: StateRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${topic} not read back within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: ({ partition, message }) => {
            const key = message.key?.toString() ?? '';
            if (key === marker) {
              clearTimeout(timer);
              resolve();
            } else if (!key.startsWith(MARKER_PREFIX)) {
              records.push({
                key,
                value: message.value,
                headers: message.headers ?? {},
                partition,
                offset: message.offset,
              });
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
