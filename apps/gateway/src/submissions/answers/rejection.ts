import { randomUUID } from 'node:crypto';
import {
  PoisonRecordError,
  toDeadLetter,
  type InboundRecord,
  type OutboundRecord,
} from '@samenloop/messaging';
import type { Partner } from '@samenloop/partners';
import type { SubmissionRejected } from '../errors/submission-rejected';
import type { SubmissionSteps } from '../submission-options';
import { traceIdOf } from '../trace-id';
import { answerRecord } from './answer';
import { rejectionAudit } from './rejection-audit';

/**
 * A rejected submission's records: the sender's rejection (when it has a usable key to answer
 * with), the dead letter, and the audit's account once the sender was verified. Nothing of it
 * reaches a recipient.
 */
export async function rejection(
  steps: SubmissionSteps,
  record: InboundRecord,
  sender: Partner,
  rejected: SubmissionRejected,
  time: Date,
): Promise<OutboundRecord[]> {
  const { messageId, traceparent, senderVerified } = rejected.submission;
  const inClear = rejected.reasons.some((reason) => reason.code === 'not-encrypted');
  const deadLetter = toDeadLetter(
    record,
    new PoisonRecordError(rejected.message.slice(0, 1000), rejected.step),
    {
      topic: steps.topics.deadLetter,
      now: time,
      maxOriginalBytes: steps.maxMessageBytes,
      keyPseudonym: steps.keyPseudonym,
      ...(inClear
        ? {
            notKept:
              'sent unencrypted: the hub writes nothing in clear; the record stays on its inbound topic, at this offset, until the retention of that topic deletes it',
          }
        : {}),
    },
  );
  const traceId = traceIdOf(traceparent);
  steps.logger.warn(
    {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      sender: sender.id,
      ...(messageId ? { messageId } : {}),
      ...(traceId ? { traceId } : {}),
      step: rejected.step,
      codes: rejected.reasons.map((r) => r.code),
    },
    'submission rejected',
  );
  const audit = senderVerified
    ? [
        rejectionAudit({
          topic: steps.topics.audit,
          record,
          sender: sender.id,
          step: rejected.step,
          reasons: rejected.reasons,
          messageId,
          time,
        }),
      ]
    : [];
  const senderKey = await steps.keys.partner(sender.id, new Date());
  if (!senderKey.usable) return [deadLetter, ...audit];
  const document = {
    rejectionId: randomUUID(),
    ...(messageId ? { messageId } : {}),
    rejectedAt: time.toISOString(),
    source: { topic: record.topic, partition: record.partition, offset: record.offset },
    errors: rejected.reasons
      .slice(0, 100)
      .map((reason) => ({ ...reason, message: reason.message.slice(0, 1000) })),
  };
  return [
    await answerRecord(steps, {
      sender,
      record,
      type: 'rejection',
      document,
      senderKey: senderKey.key,
      time,
    }),
    deadLetter,
    ...audit,
  ];
}
