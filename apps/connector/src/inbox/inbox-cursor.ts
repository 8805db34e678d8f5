/**
 * A cursor is an inbox offset in decimal: opaque to the case system, which only hands it back.
 * One partition, so one offset orders the whole inbox.
 */
const CURSOR = /^(0|[1-9][0-9]{0,18})$/;

export function isInboxCursor(text: string): boolean {
  return CURSOR.test(text);
}

export function inboxCursor(offset: bigint): string {
  return offset.toString();
}

/** The offset a cursor names; a text that is not a cursor throws, so callers check with `isInboxCursor`. */
export function cursorOffset(cursor: string): bigint {
  if (!isInboxCursor(cursor)) throw new RangeError('not an inbox cursor');
  return BigInt(cursor);
}
