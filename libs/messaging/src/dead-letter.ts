import { createHash } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import type { UndecodableBatchError } from './compression';
import { SamenloopError } from './errors';
import type { InboundRecord, OutboundRecord } from './records';

/** Header names for a dead-lettered record's context, in the spirit of Kafka Connect's DLQ headers. */
export const DEAD_LETTER_HEADERS = {
  sourceTopic: 'samenloop.dlq.source.topic',
  sourcePartition: 'samenloop.dlq.source.partition',
  sourceOffset: 'samenloop.dlq.source.offset',
  /** Set for a batch that could not be decompressed: its last offset (the first is `sourceOffset`). */
  sourceLastOffset: 'samenloop.dlq.source.offset.last',
  failedStep: 'samenloop.dlq.failed.step',
  errorClass: 'samenloop.dlq.error.class',
  errorMessage: 'samenloop.dlq.error.message',
  deadLetteredAt: 'samenloop.dlq.time',
  /** Set when the original was too large to keep: its size and SHA-256, instead of it. */
  originalSize: 'samenloop.dlq.original.size',
  originalSha256: 'samenloop.dlq.original.sha256',
  /** Set when there is no original to keep, saying why (e.g. the batch could not be decompressed). */
  originalAbsent: 'samenloop.dlq.original.absent',
  /** The compression of a batch that could not be decompressed. */
  compression: 'samenloop.dlq.compression',
} as const;

/**
 * What a record's key becomes where the hub writes it: a sender may have keyed its record by
 * something that identifies a person or case, which the hub never writes in clear. A keyed
 * pseudonym keeps records with the same key together (same partition, same order) without it.
 */
export type KeyPseudonym = (key: Buffer) => string;

export interface DeadLetterOptions {
  readonly topic: string;
  readonly now: Date;
  /** An original larger than this (key, value and headers) is named by its size and hash instead. */
  readonly maxOriginalBytes: number;
  readonly keyPseudonym: KeyPseudonym;
  /**
   * Why the original must not be kept even though it fits, e.g. it came in clear: the hub writes
   * nothing in clear, so it is named by its size and hash, and stays on its own topic.
   */
  readonly notKept?: string;
}

/**
 * The original value goes to the dead-letter topic unchanged (so the record can be replayed after a
 * fix; a submission's value is ciphertext), under the pseudonym of its key, with the failure
 * context as headers. The sender's own headers are not kept: the hub cannot tell what they carry.
 * Error messages name field paths and rules, never values, so they are safe to carry here. A record
 * larger than `maxOriginalBytes`, or one that must not be kept (`notKept`), is named by its size and
 * hash instead: a dead letter must fit its topic, or the transaction carrying it fails and the
 * partition stalls. The original stays on its topic.
 */
export function toDeadLetter(
  record: InboundRecord,
  error: unknown,
  options: DeadLetterOptions,
): OutboundRecord {
  const failure = describeFailure(error);
  const context: IHeaders = {
    [DEAD_LETTER_HEADERS.sourceTopic]: record.topic,
    [DEAD_LETTER_HEADERS.sourcePartition]: String(record.partition),
    [DEAD_LETTER_HEADERS.sourceOffset]: record.offset,
    [DEAD_LETTER_HEADERS.failedStep]: failure.step,
    [DEAD_LETTER_HEADERS.errorClass]: failure.errorClass,
    [DEAD_LETTER_HEADERS.errorMessage]: failure.message,
    [DEAD_LETTER_HEADERS.deadLetteredAt]: options.now.toISOString(),
  };
  if (options.notKept === undefined && recordBytes(record) <= options.maxOriginalBytes) {
    return {
      topic: options.topic,
      key: record.key === null ? null : options.keyPseudonym(record.key),
      value: record.value,
      headers: context,
    };
  }
  const value = record.value ?? Buffer.alloc(0);
  return {
    topic: options.topic,
    key: null,
    value: null,
    headers: {
      ...context,
      [DEAD_LETTER_HEADERS.originalSize]: String(value.length),
      [DEAD_LETTER_HEADERS.originalSha256]: createHash('sha256').update(value).digest('hex'),
      ...(options.notKept === undefined
        ? {}
        : { [DEAD_LETTER_HEADERS.originalAbsent]: options.notKept }),
    },
  };
}

/** Where an undecodable batch sits on its topic: every offset from `firstOffset` to `lastOffset`. */
export interface UndecodableBatchRange {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
}

/**
 * A batch that could not be decompressed has no key, value or headers anyone could read, so its
 * dead letter names where it sits instead; the records stay on their topic for a replay once a
 * client can read them.
 */
export function toUndecodableBatchDeadLetter(
  batch: UndecodableBatchRange,
  error: UndecodableBatchError,
  deadLetterTopic: string,
  now: Date,
): OutboundRecord {
  return {
    topic: deadLetterTopic,
    key: null,
    value: null,
    headers: {
      [DEAD_LETTER_HEADERS.sourceTopic]: batch.topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(batch.partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: batch.firstOffset,
      [DEAD_LETTER_HEADERS.sourceLastOffset]: batch.lastOffset,
      [DEAD_LETTER_HEADERS.failedStep]: error.step,
      [DEAD_LETTER_HEADERS.errorClass]: error.name,
      [DEAD_LETTER_HEADERS.errorMessage]: error.message,
      [DEAD_LETTER_HEADERS.deadLetteredAt]: now.toISOString(),
      [DEAD_LETTER_HEADERS.compression]: error.compression,
      [DEAD_LETTER_HEADERS.originalAbsent]:
        'the batch could not be decompressed; its records stay on the source topic at these offsets',
    },
  };
}

/** The size of a record as its limit counts it: key, value, and every header's name and value. */
export function recordBytes(record: Pick<InboundRecord, 'key' | 'value' | 'headers'>): number {
  let bytes = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers)) {
    bytes += Buffer.byteLength(name);
    for (const part of Array.isArray(value) ? value : [value])
      bytes +=
        part === undefined ? 0 : typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  }
  return bytes;
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
