import type { IHeaders } from 'kafkajs';
import { SamenloopError } from './errors';
import type { InboundRecord, OutboundRecord } from './records';

/** Header names for a dead-lettered record's context, in the spirit of Kafka Connect's DLQ headers. */
export const DEAD_LETTER_HEADERS = {
  sourceTopic: 'samenloop.dlq.source.topic',
  sourcePartition: 'samenloop.dlq.source.partition',
  sourceOffset: 'samenloop.dlq.source.offset',
  failedStep: 'samenloop.dlq.failed.step',
  errorClass: 'samenloop.dlq.error.class',
  errorMessage: 'samenloop.dlq.error.message',
  deadLetteredAt: 'samenloop.dlq.time',
} as const;

/**
 * The original key, value and headers go to the dead-letter topic unchanged (so the record can be
 * replayed after a fix), with the failure context added as headers. Error messages name field paths
 * and rules, never values, so they are safe to carry here.
 */
export function toDeadLetter(
  record: InboundRecord,
  error: unknown,
  deadLetterTopic: string,
  now: Date,
): OutboundRecord {
  const failure = describeFailure(error);
  const headers: IHeaders = {
    ...record.headers,
    [DEAD_LETTER_HEADERS.sourceTopic]: record.topic,
    [DEAD_LETTER_HEADERS.sourcePartition]: String(record.partition),
    [DEAD_LETTER_HEADERS.sourceOffset]: record.offset,
    [DEAD_LETTER_HEADERS.failedStep]: failure.step,
    [DEAD_LETTER_HEADERS.errorClass]: failure.errorClass,
    [DEAD_LETTER_HEADERS.errorMessage]: failure.message,
    [DEAD_LETTER_HEADERS.deadLetteredAt]: now.toISOString(),
  };
  return { topic: deadLetterTopic, key: record.key, value: record.value, headers };
}

function describeFailure(error: unknown): { step: string; errorClass: string; message: string } {
  if (error instanceof SamenloopError) {
    return { step: error.step, errorClass: error.name, message: error.message };
  }
  if (error instanceof Error) {
    // An unexpected error may quote input in its message, so only its class travels.
    return {
      step: 'unexpected',
      errorClass: error.name,
      message: 'unexpected error while processing the record',
    };
  }
  return {
    step: 'unexpected',
    errorClass: 'Unknown',
    message: 'unexpected error while processing the record',
  };
}
