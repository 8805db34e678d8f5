import {
  TransactionalPipeline,
  type RecordHandler,
  type TransactionalPipelineOptions,
} from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { Kafka } from 'kafkajs';
import { uniqueName } from './kafka-test-kit';

/** Stands in for the hub's keyed pseudonym of a record key: visibly not the key itself. */
export const testKeyPseudonym = (key: Buffer): string => `pseudonym(${key.toString()})`;

/** A pipeline over one inbound topic, with a consumer group and transactional id of its own. */
export function testPipeline(
  kafka: Kafka,
  logger: Logger,
  options: Pick<TransactionalPipelineOptions, 'handler' | 'restartBackoff'> & {
    readonly inbound: string;
    readonly deadLetter: string;
  },
): TransactionalPipeline {
  return new TransactionalPipeline({
    kafka,
    logger,
    groupId: uniqueName('test-pipeline'),
    transactionalId: uniqueName('test-pipeline-tx'),
    topics: [options.inbound],
    deadLetterTopic: options.deadLetter,
    maxDeadLetterOriginalBytes: 1024 * 1024,
    deadLetterKey: testKeyPseudonym,
    handler: options.handler,
    ...(options.restartBackoff ? { restartBackoff: options.restartBackoff } : {}),
  });
}

/** A handler that copies each record's key and value to `outbound`. */
export function copyTo(outbound: string): RecordHandler {
  return (record) => Promise.resolve([{ topic: outbound, key: record.key, value: record.value }]);
}
