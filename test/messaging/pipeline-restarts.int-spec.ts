import {
  TransactionalPipeline,
  TransientProcessingError,
  type InboundRecord,
} from '@samenloop/messaging';
import { createLogger } from '@samenloop/observability';
import { testPipeline } from '../support/pipeline-kit';
import {
  consumeUntil,
  createTopics,
  produce,
  readToEnd,
  testKafka,
  uniqueName,
} from '../support/kafka-test-kit';

describe(`${TransactionalPipeline.name} restarts`, () => {
  const kafka = testKafka('pipeline-restarts-test');
  const logger = createLogger('pipeline-restarts-test', 'fatal');
  let pipeline: TransactionalPipeline | undefined;

  afterEach(async () => {
    await pipeline?.stop();
    pipeline = undefined;
  });

  it('restarts through its own back-off when kafkajs gives up retrying a batch, and delivers the record once', async () => {
    const inbound = uniqueName('test.in');
    const outbound = uniqueName('test.out');
    const deadLetter = uniqueName('test.deadletter');
    await createTopics(kafka, inbound, outbound, deadLetter);
    // kafkajs tries a failing batch 6 times (5 retries) before it crashes the consumer.
    let failuresLeft = 8;
    pipeline = testPipeline(kafka, logger, {
      inbound,
      deadLetter,
      restartBackoff: { initialMs: 300, maxMs: 1_000, healthyResetMs: 60_000 },
      handler: (record: InboundRecord) => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          return Promise.reject(new TransientProcessingError('key store unavailable', 'encrypt'));
        }
        return Promise.resolve([{ topic: outbound, key: record.key, value: record.value }]);
      },
    });
    await pipeline.start();

    await produce(kafka, inbound, [{ key: 'case-1', value: 'retried across a restart' }]);

    await consumeUntil(kafka, outbound, (read) => read.length >= 1);
    expect(failuresLeft).toBe(0);
    // Before, kafkajs restarted the consumer itself and the pipeline never counted a restart.
    expect(pipeline.health.restarts).toBeGreaterThanOrEqual(1);
    expect((await readToEnd(kafka, outbound)).map((record) => record.value)).toEqual([
      'retried across a restart',
    ]);
    expect(pipeline.health).toMatchObject({ state: 'running', commitFailure: undefined });
  });
});
