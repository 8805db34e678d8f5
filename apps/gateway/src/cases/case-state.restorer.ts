import { randomUUID } from 'node:crypto';
import type { CaseLedger, StateEntry } from '@samenloop/case';
import type { Kafka } from 'kafkajs';

const MARKER_PREFIX = 'marker:';

/**
 * Rebuilds the case ledger from the compacted state topic. A marker record written now and read
 * back (read_committed) proves that everything before it has been read — robust against the
 * transaction markers that make "end offset" an unreliable finish line.
 */
export async function restoreCaseLedger(
  kafka: Kafka,
  stateTopic: string,
  ledger: CaseLedger,
  timeoutMs = 120_000,
): Promise<number> {
  const marker = `${MARKER_PREFIX}${randomUUID()}`;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic: stateTopic, acks: -1, messages: [{ key: marker, value: '' }] });
    const entries = await readUntil(kafka, stateTopic, marker, timeoutMs);
    ledger.restore(entries);
    // A tombstone lets compaction drop the marker.
    await producer.send({ topic: stateTopic, acks: -1, messages: [{ key: marker, value: null }] });
    return entries.length;
  } finally {
    await producer.disconnect();
  }
}

/** Every state entry before `marker`, read with read_committed from the beginning. */
async function readUntil(
  kafka: Kafka,
  stateTopic: string,
  marker: string,
  timeoutMs: number,
): Promise<StateEntry[]> {
  const consumer = kafka.consumer({
    groupId: `samenloop-restore-${randomUUID()}`,
    readUncommitted: false,
  });
  const entries: StateEntry[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: stateTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`case state not restored within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: ({ message }) => {
            const key = message.key?.toString() ?? '';
            if (key === marker) {
              clearTimeout(timer);
              resolve();
            } else if (!key.startsWith(MARKER_PREFIX) && message.value !== null) {
              entries.push({ key, value: message.value.toString() });
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return entries;
}
