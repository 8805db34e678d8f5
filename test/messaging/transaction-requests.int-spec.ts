import { performance } from 'node:perf_hooks';
import { Partitioners } from 'kafkajs';
import { BACK_TO_BACK_TRANSACTIONS_RETRY } from '@samenloop/messaging';
import { createTopics, testKafka, uniqueName } from '../support/kafka-test-kit';

/**
 * What a transaction of the pipeline's shape (records, the input offsets, commit) asks of the real
 * broker through the kafkajs this project installs: the coordinators are looked up once and kept
 * for a second (deploy/npm-patches/kafkajs+2.2.4.patch), not before each of the transaction's four
 * coordinator requests. Unpatched, ten transactions made 50 lookups.
 */
describe("a transaction's requests to the broker", () => {
  it('look the coordinators up about once a second, not four times per transaction', async () => {
    const kafka = testKafka('transaction-requests');
    const topic = uniqueName('test.transaction-requests');
    await createTopics(kafka, topic);
    const producer = kafka.producer({
      transactionalId: uniqueName('transaction-requests'),
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: BACK_TO_BACK_TRANSACTIONS_RETRY,
    });
    const requests: string[] = [];
    producer.on(producer.events.REQUEST, ({ payload }) => requests.push(payload.apiName));
    const consumerGroupId = uniqueName('transaction-requests-group');
    const started = performance.now();
    await producer.connect();
    try {
      for (let index = 0; index < 10; index++) {
        const transaction = await producer.transaction();
        await transaction.sendBatch({
          acks: -1,
          topicMessages: [{ topic, messages: [{ key: 'k', value: String(index) }] }],
        });
        await transaction.sendOffsets({
          consumerGroupId,
          topics: [{ topic, partitions: [{ partition: 0, offset: String(index + 1) }] }],
        });
        await transaction.commit();
      }
    } finally {
      await producer.disconnect();
    }
    const seconds = Math.ceil((performance.now() - started) / 1000);
    const count = (apiName: string) => requests.filter((name) => name === apiName).length;

    expect(count('EndTxn')).toBe(10);
    expect(count('TxnOffsetCommit')).toBe(10);
    // Two coordinators (the transaction's and the group's), each looked up at most once a second.
    expect(count('GroupCoordinator')).toBeGreaterThanOrEqual(2);
    expect(count('GroupCoordinator')).toBeLessThanOrEqual(2 * (seconds + 1));
  });
});
