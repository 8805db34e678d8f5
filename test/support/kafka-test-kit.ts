import { randomUUID } from 'node:crypto';
import {
  Kafka,
  Partitioners,
  logLevel,
  type IHeaders,
  type KafkaMessage,
  type RetryOptions,
} from 'kafkajs';
import {
  ensureTopics,
  kafkaConnectionFromEnvironment,
  kafkaSecurityOptions,
  type KafkaConnection,
} from '@samenloop/messaging';

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  /** The value as bytes, for binary records such as encrypted deliveries. */
  readonly bytes: Buffer | null;
  readonly headers: Record<string, string>;
}

type Environment = Readonly<Record<string, string | undefined>>;

export function brokersFromEnvironment(env: Environment = process.env): string[] {
  const brokers = env.KAFKA_BROKERS;
  if (!brokers)
    throw new Error('KAFKA_BROKERS is not set: the integration global setup did not run');
  return brokers.split(',');
}

/** Where and how the tests' clients connect: KAFKA_BROKERS and the KAFKA_* security settings. */
export function clientSettingsFromEnvironment(env: Environment = process.env): {
  brokers: string[];
  connection: KafkaConnection;
} {
  return { brokers: brokersFromEnvironment(env), connection: kafkaConnectionFromEnvironment(env) };
}

/**
 * A client with short retries, so a failing test fails in seconds rather than minutes. `env`
 * names another broker or principal, e.g. `secureClientEnvironment('admin')`.
 */
export function testKafka(
  clientId = 'samenloop-test',
  env: Environment = process.env,
  retry: RetryOptions = { initialRetryTime: 100, maxRetryTime: 1_000, retries: 8 },
): Kafka {
  const { brokers, connection } = clientSettingsFromEnvironment(env);
  return new Kafka({
    clientId,
    brokers,
    ...kafkaSecurityOptions(connection),
    logLevel: logLevel.NOTHING,
    retry,
  });
}

/** Unique per test, so tests never see each other's records. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

export async function createTopics(kafka: Kafka, ...topics: string[]): Promise<void> {
  await ensureTopics(
    kafka,
    topics.map((topic) => ({ topic })),
  );
}

export async function produce(
  kafka: Kafka,
  topic: string,
  messages: { key: string; value: string | Buffer; headers?: IHeaders }[],
): Promise<void> {
  const producer = kafka.producer({
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (let start = 0; start < messages.length; start += 500) {
      await producer.send({ topic, acks: -1, messages: messages.slice(start, start + 500) });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Reads `topic` from the beginning (read_committed) until `done(records)` holds, then returns what
 * was read. Waits for real records; the timeout only bounds a test that would otherwise hang.
 */
export async function consumeUntil(
  kafka: Kafka,
  topic: string,
  done: (records: readonly ConsumedRecord[]) => boolean,
  timeoutMs = 60_000,
): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader'), readUncommitted: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${topic}: condition not met within ${timeoutMs} ms (${records.length} records read)`,
            ),
          ),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: ({ topic: from, partition, message }) => {
            records.push(toConsumedRecord(from, partition, message));
            if (done(records)) {
              clearTimeout(timer);
              resolve();
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

export function toConsumedRecord(
  topic: string,
  partition: number,
  message: KafkaMessage,
): ConsumedRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    bytes: message.value,
    headers,
  };
}

/** How many records of `topic` the consumer group has committed (offsets start at 0 on test topics). */
export async function committedRecordCount(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (group?.partitions ?? []).reduce(
      (sum, { offset }) => sum + Math.max(0, Number(offset)),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

/** How many records a topic holds (its end offsets), without reading it. */
export async function recordCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, { high }) => sum + Number(high), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every record of `topic` up to now: a marker written at the end of each partition and read back
 * proves that everything before it was read (read_committed), with no idle-time guess.
 */
export async function readToEnd(kafka: Kafka, topic: string): Promise<ConsumedRecord[]> {
  const marker = `test-marker:${uniqueName('end')}`;
  const admin = kafka.admin();
  await admin.connect();
  const partitions = await admin
    .fetchTopicMetadata({ topics: [topic] })
    .then(({ topics }) => topics[0]?.partitions.map(({ partitionId }) => partitionId) ?? [])
    .finally(() => admin.disconnect());
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: partitions.map((partition) => ({ key: marker, value: '', partition })),
    });
  } finally {
    await producer.disconnect();
  }
  const records = await consumeUntil(
    kafka,
    topic,
    (read) => read.filter((record) => record.key === marker).length === partitions.length,
    180_000,
  );
  return records.filter((record) => !record.key?.startsWith('test-marker:'));
}

/** Retries `read` until the cluster answers: for reads right after a broker restart. */
export async function whenAnswering<T>(read: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
