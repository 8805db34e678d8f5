import { RECORD_MAC_HEADER, type RecordMac } from '@samenloop/crypto';
import { PoisonRecordError, type OutboundRecord } from '@samenloop/messaging';

/** A tick on the clock topic: the hub's time moves to `now`. */
export interface ClockTick {
  readonly now: string;
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

/** The time a tick brings; check first that the hub wrote it (`requireOwnRecord`). */
export function parseClockTick(value: Buffer | null): Date {
  let now: unknown;
  try {
    now = (JSON.parse(value?.toString('utf8') ?? '') as Partial<ClockTick>).now;
  } catch {
    // Reported below.
  }
  const time = typeof now === 'string' ? new Date(now) : undefined;
  if (!time || Number.isNaN(time.getTime())) {
    throw new PoisonRecordError('a clock tick must be JSON {"now": "<ISO 8601 time>"}', 'clock');
  }
  return time;
}
