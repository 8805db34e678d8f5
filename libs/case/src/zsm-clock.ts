import { DateTime } from 'luxon';
import { HourlyOffsetZone } from './hourly-offset-zone';

/** Dutch local time: the clock of the law, across daylight-saving changes. */
export const DUTCH_TIME_ZONE = 'Europe/Amsterdam';
const DUTCH_ZONE = new HourlyOffsetZone(DUTCH_TIME_ZONE);

/** Sv art. 61: the hours from midnight to 09:00 do not count towards the term. */
const UNCOUNTED_UNTIL_HOUR = 9;

/** Sv art. 61: 9 hours of ophouden voor onderzoek, or 6 for offences without pre-trial detention. */
export function holdingHours(pretrialDetentionAllowed: boolean): number {
  return pretrialDetentionAllowed ? 9 : 6;
}

/**
 * The moment the ZSM decision is due: the arrest plus the holding term, counting only hours
 * between 09:00 and midnight Dutch time (Wetboek van Strafvordering art. 61). Arrested at 22:00,
 * the deadline is 16:00 the next day.
 */
export function zsmDeadline(arrestedAt: Date, pretrialDetentionAllowed: boolean): Date {
  let cursor = DateTime.fromJSDate(arrestedAt, { zone: DUTCH_ZONE });
  let remainingMs = holdingHours(pretrialDetentionAllowed) * 3_600_000;
  for (;;) {
    if (cursor.hour < UNCOUNTED_UNTIL_HOUR)
      cursor = cursor.set({ hour: UNCOUNTED_UNTIL_HOUR, minute: 0, second: 0, millisecond: 0 });
    const midnight = cursor.plus({ days: 1 }).startOf('day');
    const countable = midnight.toMillis() - cursor.toMillis();
    if (remainingMs <= countable) return cursor.plus({ milliseconds: remainingMs }).toJSDate();
    remainingMs -= countable;
    cursor = midnight;
  }
}

/** A deadline as Dutch local time with its offset, e.g. `2026-11-24T16:00:00.000+01:00`. */
export function inDutchTime(moment: Date): string {
  return DateTime.fromJSDate(moment, { zone: DUTCH_ZONE }).toISO() ?? moment.toISOString();
}
