import type { IHeaders } from 'kafkajs';
import type { InboundRecord, OutboundRecord } from './records';

/** Header names for a parked record's context. */
export const PARKED_HEADERS = {
  sourceTopic: 'samenloop.parked.source.topic',
  sourcePartition: 'samenloop.parked.source.partition',
  sourceOffset: 'samenloop.parked.source.offset',
  messageId: 'samenloop.parked.message.id',
  messageType: 'samenloop.parked.message.type',
  sender: 'samenloop.parked.sender',
  reason: 'samenloop.parked.reason',
  parkedAt: 'samenloop.parked.time',
  /** `vt`: only the part for Veilig Thuis is held, the others received the message; else all of it. */
  scope: 'samenloop.parked.scope',
  /** The case thread the message is in, when only its part for Veilig Thuis is held. */
  caseKey: 'samenloop.parked.case.key',
} as const;

/** What is parked: the whole message, or only its part for Veilig Thuis. */
export type ParkedScope = 'bericht' | 'vt';

export interface ParkingContext {
  readonly messageId: string;
  readonly messageType: string;
  readonly sender: string;
  readonly reason: string;
  readonly parkedAt: Date;
  readonly scope: ParkedScope;
  readonly caseKey?: string;
}

/**
 * A valid message the hub cannot route yet (or only its part for Veilig Thuis), kept unchanged —
 * its value, the sender's signed ciphertext — so that releasing it means submitting it again to its
 * inbound topic. Keyed by message id, which is how the operator names it; the sender's key and
 * headers are not kept (see `toDeadLetter`).
 */
export function toParked(
  record: InboundRecord,
  context: ParkingContext,
  parkedTopic: string,
): OutboundRecord {
  const headers: IHeaders = {
    [PARKED_HEADERS.sourceTopic]: record.topic,
    [PARKED_HEADERS.sourcePartition]: String(record.partition),
    [PARKED_HEADERS.sourceOffset]: record.offset,
    [PARKED_HEADERS.messageId]: context.messageId,
    [PARKED_HEADERS.messageType]: context.messageType,
    [PARKED_HEADERS.sender]: context.sender,
    [PARKED_HEADERS.reason]: context.reason,
    [PARKED_HEADERS.parkedAt]: context.parkedAt.toISOString(),
    [PARKED_HEADERS.scope]: context.scope,
    ...(context.caseKey ? { [PARKED_HEADERS.caseKey]: context.caseKey } : {}),
  };
  return { topic: parkedTopic, key: context.messageId, value: record.value, headers };
}
