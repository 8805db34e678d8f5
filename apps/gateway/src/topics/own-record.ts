import { RECORD_MAC_HEADER, type RecordMac } from '@samenloop/crypto';
import { PoisonRecordError, type InboundRecord } from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';

/** Why a record on one of the hub's own topics is not the hub's. */
export type ForgedRecordReason = 'mac-missing' | 'mac-mismatch';

/** A record on a topic only the hub writes, without the hub's MAC: it is dead-lettered, never applied. */
export class ForgedRecordError extends PoisonRecordError {
  constructor(
    what: string,
    readonly reason: ForgedRecordReason,
    step: string,
  ) {
    super(
      reason === 'mac-missing'
        ? `a ${what} without a ${RECORD_MAC_HEADER} header was not written by the hub: skipped`
        : `a ${what} whose ${RECORD_MAC_HEADER} does not match it under the hub secret was forged or altered: skipped`,
      step,
    );
  }
}

/** What a topic's records are to the operator, and how to name the check. */
export interface OwnRecordCheck {
  readonly mac: RecordMac;
  readonly logger: Logger;
  /** What a record of the topic is, e.g. `clock tick`. */
  readonly what: string;
  /** The failed step the dead letter names. */
  readonly step: string;
  /** The operator alert in the log. */
  readonly alert: string;
}

/**
 * Throws a `ForgedRecordError`, after alerting the operator, unless the record carries the MAC the
 * hub writes on its own records (`RecordMac`): whoever can write the topic without the hub secret
 * cannot steer the hub through it. The pipeline dead-letters the record and commits past it, so
 * nothing blocks.
 */
export function requireOwnRecord(record: InboundRecord, check: OwnRecordCheck): void {
  const header = record.headers[RECORD_MAC_HEADER];
  // One MAC per record; a repeated header is as suspect as a missing one.
  const reason: ForgedRecordReason | undefined =
    header === undefined || Array.isArray(header)
      ? 'mac-missing'
      : check.mac.verify(record, header)
        ? undefined
        : 'mac-mismatch';
  if (reason === undefined) return;
  check.logger.error(
    {
      alert: check.alert,
      reason,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
    },
    `a ${check.what} not written by the hub was skipped, never applied: find who writes ${record.topic}`,
  );
  throw new ForgedRecordError(check.what, reason, check.step);
}
