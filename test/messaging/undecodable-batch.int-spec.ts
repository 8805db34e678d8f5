import { execFile } from 'node:child_process';
import { CompressionCodecs, CompressionTypes, Partitioners } from 'kafkajs';
import {
  DEAD_LETTER_HEADERS,
  TransactionalPipeline,
  UndecodableBatchError,
} from '@samenloop/messaging';
import { createLogger } from '@samenloop/observability';
import { copyTo, testPipeline } from '../support/pipeline-kit';
import { kcatProduce, requireKcat } from '../support/kcat';
import {
  brokersFromEnvironment,
  consumeUntil,
  createTopics,
  readToEnd,
  testKafka,
  uniqueName,
} from '../support/kafka-test-kit';

type Codec = {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
};

/**
 * Makes this process unable to read snappy, as a codec Kafka adds later or a corrupt batch would:
 * decompressing fails the way every registered codec fails, with an UndecodableBatchError.
 */
function withoutSnappy(): { restore(): void; attempts: { count: number } } {
  const codecs = CompressionCodecs as Record<number, () => Codec>;
  const registered = codecs[CompressionTypes.Snappy]!;
  const attempts = { count: 0 };
  codecs[CompressionTypes.Snappy] = () => ({
    compress: (encoder) => registered().compress(encoder),
    decompress: () => {
      attempts.count += 1;
      return Promise.reject(new UndecodableBatchError('snappy', 'no snappy in this process'));
    },
  });
  return {
    attempts,
    restore: () => {
      codecs[CompressionTypes.Snappy] = registered;
    },
  };
}

describe('a batch the pipeline cannot decompress', () => {
  const kafka = testKafka('undecodable-batch-test');
  const logger = createLogger('undecodable-batch-test', 'fatal');
  let pipeline: TransactionalPipeline | undefined;
  let snappy: ReturnType<typeof withoutSnappy> | undefined;

  beforeAll(() => requireKcat());

  afterEach(async () => {
    await pipeline?.stop();
    pipeline = undefined;
    snappy?.restore();
    snappy = undefined;
  });

  /** Where kcat's partitioner puts `key` on a 3-partition topic, learnt from a scratch topic. */
  async function kcatPartitionOf(key: string): Promise<number> {
    const scratch = uniqueName('test.kcat-partition');
    await createTopics(kafka, scratch);
    await kcatProduce({
      brokers: brokersFromEnvironment().join(','),
      topic: scratch,
      key,
      values: [Buffer.from('where does this key go')],
      headers: {},
      compression: 'none',
    });
    const [record] = await consumeUntil(kafka, scratch, (read) => read.length >= 1);
    return record!.partition;
  }

  /** Starts a pipeline in a process that cannot read snappy, copying what it handles to `outbound`. */
  async function startWithoutSnappy(inbound: string, deadLetter: string, outbound: string) {
    snappy = withoutSnappy();
    pipeline = testPipeline(kafka, logger, {
      inbound,
      deadLetter,
      restartBackoff: { initialMs: 200, maxMs: 1_000, healthyResetMs: 60_000 },
      handler: copyTo(outbound),
    });
    await pipeline.start();
  }

  async function produceTo(
    topic: string,
    messages: { partition: number; key: string; value: string }[],
  ): Promise<void> {
    const producer = kafka.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      // One send per record: one batch each, so the snappy batch has decodable neighbours.
      for (const message of messages) await producer.send({ topic, acks: -1, messages: [message] });
    } finally {
      await producer.disconnect();
    }
  }

  it('is dead-lettered with its topic, partition and offsets, and every other record is handled once', async () => {
    const inbound = uniqueName('test.in');
    const outbound = uniqueName('test.out');
    const deadLetter = uniqueName('test.deadletter');
    await createTopics(kafka, inbound, outbound, deadLetter);
    const key = `case-${uniqueName('snappy')}`;
    const partition = await kcatPartitionOf(key);
    const others = [0, 1, 2].filter((candidate) => candidate !== partition);

    // On the batch's partition: two records before it, then the batch, then two after; others elsewhere.
    await produceTo(inbound, [
      { partition, key: 'neighbour', value: 'before-1' },
      { partition, key: 'neighbour', value: 'before-2' },
    ]);
    await kcatProduce({
      brokers: brokersFromEnvironment().join(','),
      topic: inbound,
      key,
      // librdkafka sends a batch uncompressed when compressing would not make it smaller.
      values: [Buffer.from(`{"melding":"${'compressed by a partner '.repeat(20)}"}`)],
      headers: {},
      compression: 'snappy',
    });
    await produceTo(inbound, [
      { partition, key: 'neighbour', value: 'after-1' },
      { partition, key: 'neighbour', value: 'after-2' },
      { partition: others[0]!, key: 'other', value: 'other-1' },
      { partition: others[1]!, key: 'other', value: 'other-2' },
    ]);
    const expected = ['before-1', 'before-2', 'after-1', 'after-2', 'other-1', 'other-2'];

    await startWithoutSnappy(inbound, deadLetter, outbound);

    const [deadLettered] = await consumeUntil(kafka, deadLetter, (read) => read.length >= 1);
    expect(deadLettered).toMatchObject({
      key: null,
      value: null,
      headers: {
        [DEAD_LETTER_HEADERS.sourceTopic]: inbound,
        [DEAD_LETTER_HEADERS.sourcePartition]: String(partition),
        // kcat's record is the third on its partition, alone in its batch.
        [DEAD_LETTER_HEADERS.sourceOffset]: '2',
        [DEAD_LETTER_HEADERS.sourceLastOffset]: '2',
        [DEAD_LETTER_HEADERS.failedStep]: 'decompress',
        [DEAD_LETTER_HEADERS.errorClass]: 'UndecodableBatchError',
        [DEAD_LETTER_HEADERS.compression]: 'snappy',
      },
    });
    expect(deadLettered?.headers[DEAD_LETTER_HEADERS.originalAbsent]).toBeDefined();
    expect(snappy!.attempts.count).toBeGreaterThan(0);

    await consumeUntil(kafka, outbound, (read) => read.length >= expected.length);
    const handled = await readToEnd(kafka, outbound);
    expect(handled.map((record) => record.value).sort()).toEqual([...expected].sort());
    // One key, so one partition out as in: in the order they were written around the batch.
    expect(
      handled.filter((record) => record.key === 'neighbour').map((record) => record.value),
    ).toEqual(['before-1', 'before-2', 'after-1', 'after-2']);
    expect(await readToEnd(kafka, deadLetter)).toHaveLength(1);
    expect(pipeline!.health).toMatchObject({ state: 'running', commitFailure: undefined });
  });

  it('dead-letters a batch of several records as one range, up to its last offset, handling the records around it', async () => {
    const inbound = uniqueName('test.in');
    const outbound = uniqueName('test.out');
    const deadLetter = uniqueName('test.deadletter');
    // One partition: kcat's batch is offsets 1-5 of it, whatever its partitioner.
    await createTopics(kafka, deadLetter, outbound);
    const admin = kafka.admin();
    await admin.connect();
    await admin
      .createTopics({ waitForLeaders: true, topics: [{ topic: inbound, numPartitions: 1 }] })
      .finally(() => admin.disconnect());

    await produceTo(inbound, [{ partition: 0, key: 'neighbour', value: 'before-1' }]);
    await kcatBatch(inbound, 5);
    await produceTo(inbound, [{ partition: 0, key: 'neighbour', value: 'after-1' }]);

    await startWithoutSnappy(inbound, deadLetter, outbound);

    const [deadLettered] = await consumeUntil(kafka, deadLetter, (read) => read.length >= 1);
    expect(deadLettered?.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.sourceTopic]: inbound,
      [DEAD_LETTER_HEADERS.sourcePartition]: '0',
      [DEAD_LETTER_HEADERS.sourceOffset]: '1',
      [DEAD_LETTER_HEADERS.sourceLastOffset]: '5',
    });
    const handled = await consumeUntil(kafka, outbound, (read) => read.length >= 2);
    expect(handled.map((record) => record.value)).toEqual(['before-1', 'after-1']);
    expect(pipeline!.health).toMatchObject({ state: 'running', commitFailure: undefined });
  });
});

/**
 * `count` snappy records on partition 0, read by kcat from stdin one per line: librdkafka lingers
 * before sending, so they travel as one batch (or a few back to back, which read as one range).
 */
async function kcatBatch(topic: string, count: number): Promise<void> {
  const args = [
    '-P',
    '-b',
    brokersFromEnvironment().join(','),
    '-t',
    topic,
    '-p',
    '0',
    '-z',
    'snappy',
    '-X',
    'acks=all',
    '-X',
    'linger.ms=200',
  ];
  await new Promise<void>((resolve, reject) => {
    const kcat = execFile('kcat', args, { timeout: 30_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`kcat failed: ${error.message}\n${stderr}`)) : resolve(),
    );
    kcat.stdin?.end(
      Array.from({ length: count }, (_, index) => `{"melding":${index}}`).join('\n') + '\n',
    );
  });
}
