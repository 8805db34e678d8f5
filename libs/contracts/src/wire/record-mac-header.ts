/**
 * The header that carries the MAC of a record only the hub writes and reads (case state, clock
 * ticks, hub events, the operator's access requests): base64url, see `RecordMac` in crypto.
 */
export const RECORD_MAC_HEADER = 'samenloop-mac';
