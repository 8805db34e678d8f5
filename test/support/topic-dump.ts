import type { Kafka } from 'kafkajs';
import { uniqueName } from './kafka-test-kit';

/** One record as stored, bytes and all: what anyone with read access to the topic sees. */
export interface StoredRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly { readonly name: string; readonly value: Buffer }[];
}

/**
 * Every record of every topic whose name starts with `prefix`, aborted transactions included
 * (read_uncommitted: what sits on disk, not only what a careful reader sees). Reads until the
 * topics have been quiet for `idleMs`: transaction markers make end offsets an unreliable finish.
 */
export async function dumpTopics(
  kafka: Kafka,
  prefix: string,
  { idleMs = 4_000, maxMs = 120_000 } = {},
): Promise<{ topics: string[]; records: StoredRecord[] }> {
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics().finally(() => admin.disconnect()))
    .filter((topic) => topic.startsWith(prefix))
    .sort();
  const records: StoredRecord[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('test-dump'), readUncommitted: true });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    let last: number | undefined;
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        last = Date.now();
        records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: Object.entries(message.headers ?? {}).flatMap(([name, value]) =>
            (Array.isArray(value) ? value : [value]).map((part) => ({
              name,
              value: Buffer.from(part ?? ''),
            })),
          ),
        });
        return Promise.resolve();
      },
    });
    const started = Date.now();
    // Joining the group takes a while: quiet counts from the first record on.
    while ((last === undefined || Date.now() - last < idleMs) && Date.now() - started < maxMs)
      await new Promise((resolve) => setTimeout(resolve, 250));
  } finally {
    await consumer.disconnect();
  }
  return { topics, records };
}

/** Where in a stored record a value was found: topic, offset and part — never the value itself. */
export function findValues(
  records: readonly StoredRecord[],
  values: ReadonlyMap<string, string>,
): string[] {
  const found: string[] = [];
  for (const record of records) {
    const parts: [string, Buffer | null][] = [
      ['key', record.key],
      ['value', record.value],
      ...record.headers.flatMap(({ name, value }): [string, Buffer][] => [
        [`header name ${name}`, Buffer.from(name)],
        [`header ${name}`, value],
      ]),
    ];
    for (const [part, bytes] of parts)
      for (const [value, field] of values)
        if (bytes && contains(bytes, value))
          found.push(`${record.topic}@${record.partition}:${record.offset} ${part}: a ${field}`);
  }
  return found;
}

/** Below this length a value counts only as a whole word: "Eva" is in "Evaluatie", not a name there. */
const WHOLE_WORD_BELOW = 8;
/**
 * A short value counts only where text surrounds it: in sealed (random-looking) bytes any three
 * letters turn up by chance — "Eva" between two stray bytes of a ciphertext is no name in clear —
 * while a name written in clear sits in JSON, CSV or prose, printable on both sides.
 */
const TEXT_AROUND = 4;
const isWordByte = (byte: number | undefined) =>
  byte !== undefined &&
  ((byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a));
const isTextByte = (byte: number) =>
  (byte >= 0x20 && byte <= 0x7e) || byte === 0x09 || byte === 0x0a || byte === 0x0d;

function inText(bytes: Buffer, from: number, to: number): boolean {
  const around = [
    ...bytes.subarray(Math.max(0, from - TEXT_AROUND), from),
    ...bytes.subarray(to, to + TEXT_AROUND),
  ];
  return around.every(isTextByte);
}

function contains(bytes: Buffer, value: string): boolean {
  const needle = Buffer.from(value);
  if (value.length >= WHOLE_WORD_BELOW) return bytes.includes(needle);
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    if (!isWordByte(bytes[at - 1]) && !isWordByte(bytes[end]) && inText(bytes, at, end))
      return true;
  }
  return false;
}
