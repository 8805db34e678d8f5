import {
  DEAD_LETTER_HEADERS,
  PoisonRecordError,
  TransactionalPipeline,
  TransientProcessingError,
  type InboundRecord,
  type RecordHandler,
} from '@samenloop/messaging';
import { createLogger } from '@samenloop/observability';
import { testPipeline } from '../support/pipeline-kit';
import {
  consumeUntil,
  createTopics,
  produce,
  testKafka,
  uniqueName,
} from '../support/kafka-test-kit';

describe(TransactionalPipeline.name, () => {
  const kafka = testKafka('pipeline-test');
  const logger = createLogger('pipeline-test', 'fatal');
  let pipeline: TransactionalPipeline | undefined;

  afterEach(async () => {
    await pipeline?.stop();
    pipeline = undefined;
  });

  async function runPipeline(handlerFor: (outbound: string) => RecordHandler) {
    const inbound = uniqueName('test.in');
    const outbound = uniqueName('test.out');
    const deadLetter = uniqueName('test.deadletter');
    await createTopics(kafka, inbound, outbound, deadLetter);
    pipeline = testPipeline(kafka, logger, {
      inbound,
      deadLetter,
      handler: handlerFor(outbound),
    });
    await pipeline.start();
    return { inbound, outbound, deadLetter };
  }

  const passThrough = (outbound: string) => (record: InboundRecord) =>
    Promise.resolve([{ topic: outbound, key: record.key, value: record.value }]);

  it('dead-letters a poison record with its context and goes on with the stream', async () => {
    const topics = await runPipeline((outbound) => (record) => {
      if (record.value?.toString() === 'poison') {
        return Promise.reject(
          new PoisonRecordError('/melding/datum: must be a date (YYYY-MM-DD)', 'validate'),
        );
      }
      return passThrough(outbound)(record);
    });

    await produce(kafka, topics.inbound, [
      { key: 'case-1', value: 'first' },
      { key: 'case-1', value: 'poison', headers: { ce_id: 'message-poison' } },
      { key: 'case-1', value: 'third' },
    ]);

    const relayed = await consumeUntil(kafka, topics.outbound, (records) => records.length >= 2);
    const [deadLettered] = await consumeUntil(
      kafka,
      topics.deadLetter,
      (records) => records.length >= 1,
    );
    expect(relayed.map((record) => record.value)).toEqual(['first', 'third']);
    expect(deadLettered).toMatchObject({
      key: 'pseudonym(case-1)',
      value: 'poison',
      headers: {
        [DEAD_LETTER_HEADERS.sourceTopic]: topics.inbound,
        [DEAD_LETTER_HEADERS.sourceOffset]: '1',
        [DEAD_LETTER_HEADERS.failedStep]: 'validate',
        [DEAD_LETTER_HEADERS.errorClass]: 'PoisonRecordError',
        [DEAD_LETTER_HEADERS.errorMessage]: '/melding/datum: must be a date (YYYY-MM-DD)',
      },
    });
    expect(deadLettered?.headers[DEAD_LETTER_HEADERS.sourcePartition]).toMatch(/^\d+$/);
    // The sender's own headers are not kept: the hub cannot tell what they carry.
    expect(deadLettered?.headers).not.toHaveProperty('ce_id');
  });

  it('dead-letters a record whose handler fails unexpectedly without quoting the error text', async () => {
    const topics = await runPipeline(
      () => () => Promise.reject(new TypeError('cannot read naam of Jan Jansen')),
    );

    await produce(kafka, topics.inbound, [{ key: 'case-2', value: '{}' }]);

    const [deadLettered] = await consumeUntil(
      kafka,
      topics.deadLetter,
      (records) => records.length >= 1,
    );
    expect(deadLettered?.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.failedStep]: 'unexpected',
      [DEAD_LETTER_HEADERS.errorClass]: 'TypeError',
    });
    expect(JSON.stringify(deadLettered?.headers)).not.toContain('Jansen');
  });

  it('retries a record whose handler fails transiently and delivers it once', async () => {
    let failuresLeft = 2;
    const topics = await runPipeline((outbound) => (record) => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        return Promise.reject(new TransientProcessingError('key store unavailable', 'encrypt'));
      }
      return passThrough(outbound)(record);
    });

    await produce(kafka, topics.inbound, [
      { key: 'case-3', value: 'retried' },
      { key: 'case-3', value: 'next' },
    ]);

    const relayed = await consumeUntil(kafka, topics.outbound, (records) => records.length >= 2);
    expect(failuresLeft).toBe(0);
    expect(relayed.map((record) => record.value)).toEqual(['retried', 'next']);
  });
});
