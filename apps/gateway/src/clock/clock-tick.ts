import { RECORD_MAC_HEADER, type RecordMac } from '@samenloop/crypto';
import { PoisonRecordError, type InboundRecord, type OutboundRecord } from '@samenloop/messaging';

/** A tick on the clock topic: the hub's time moves to `now`. */
export interface ClockTick {
  readonly now: string;
}

/** A tick the hub did not write: no MAC, or one that does not match the record under the hub secret. */
export class UnauthenticTickError extends PoisonRecordError {
  constructor(readonly reason: 'mac-missing' | 'mac-mismatch') {
    super(
      reason === 'mac-missing'
        ? `a clock tick without a ${RECORD_MAC_HEADER} header was not written by the hub: skipped`
        : `a clock tick whose ${RECORD_MAC_HEADER} does not match it under the hub secret was forged or altered: skipped`,
      'clock-mac',
    );
  }
}

/**
 * The tick record the hub writes: the time as JSON, with a MAC under the hub secret over topic,
 * key and value (so over the time it brings) in a header.
 */
export function clockTickRecord(mac: RecordMac, topic: string, now: Date): OutboundRecord {
  const tick: ClockTick = { now: now.toISOString() };
  const record = { topic, key: 'clock', value: JSON.stringify(tick) };
  return { ...record, headers: { [RECORD_MAC_HEADER]: mac.of(record) } };
}

/**
 * The time a tick brings, once its MAC shows the hub wrote it: anyone who can write the clock
 * topic could otherwise move the hub's time to 2099 and raise every alarm.
 */
export function readClockTick(mac: RecordMac, record: InboundRecord): Date {
  const header = record.headers[RECORD_MAC_HEADER];
  // One MAC per record; a repeated header is as suspect as a missing one.
  if (header === undefined || Array.isArray(header)) throw new UnauthenticTickError('mac-missing');
  if (!mac.verify(record, header)) throw new UnauthenticTickError('mac-mismatch');
  let now: unknown;
  try {
    now = (JSON.parse(record.value?.toString('utf8') ?? '') as Partial<ClockTick>).now;
  } catch {
    // Reported below.
  }
  const time = typeof now === 'string' ? new Date(now) : undefined;
  if (!time || Number.isNaN(time.getTime())) {
    throw new PoisonRecordError('a clock tick must be JSON {"now": "<ISO 8601 time>"}', 'clock');
  }
  return time;
}
