import { randomUUID } from 'node:crypto';
import type { InboundRecord, OutboundRecord } from '@samenloop/messaging';
import type { RejectionReason } from './rejection-reason';

export interface RejectionAuditInput {
  readonly topic: string;
  readonly record: InboundRecord;
  /** The verified sender: a rejection is audited only once the signature holds. */
  readonly sender: string;
  readonly step: string;
  readonly reasons: readonly RejectionReason[];
  readonly messageId: string | undefined;
  readonly time: Date;
}

/**
 * The audit's account of a rejected submission, so that "what happened to message X" is answered
 * from the audit alone: where it came from, at which step it stopped, the codes and field paths.
 * The reasons' wording is left out: the audit holds ids, codes and paths, never values.
 */
export function rejectionAudit(input: RejectionAuditInput): OutboundRecord {
  const { record, reasons } = input;
  const audit = {
    kind: 'rejection',
    auditId: randomUUID(),
    messageId: input.messageId ?? null,
    sender: input.sender,
    step: input.step,
    codes: [...new Set(reasons.map((reason) => reason.code))],
    paths: [
      ...new Set(reasons.flatMap((reason) => (reason.path === undefined ? [] : [reason.path]))),
    ].slice(0, 100),
    source: { topic: record.topic, partition: record.partition, offset: record.offset },
    rejectedAt: input.time.toISOString(),
  };
  return {
    topic: input.topic,
    key: input.messageId ?? `${record.topic}:${record.partition}:${record.offset}`,
    value: JSON.stringify(audit),
  };
}
