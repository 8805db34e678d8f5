import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HubSecret } from './hub-secret';

const VERSION = 'm1';

/** What a MAC covers: where the record is written and everything it says. */
export interface MacedRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
}

/**
 * Authenticates records only the hub writes and reads (clock ticks, hub events): HMAC-SHA-256 with a key
 * from the hub secret, over the topic, key and value. Whoever can write the topic but lacks the
 * secret cannot make a record the hub accepts, nor move a genuine one to another topic or key.
 */
export class RecordMac {
  private readonly key: Buffer;

  constructor(secret: HubSecret) {
    this.key = secret.derive('record-mac');
  }

  /** The MAC of a record, for its `RECORD_MAC_HEADER`. */
  of(record: MacedRecord): string {
    const hmac = createHmac('sha256', this.key).update(VERSION);
    // Each part length-prefixed, a null apart from an empty value: no two records share an input.
    for (const part of [record.topic, record.key, record.value]) {
      const bytes = part === null ? null : Buffer.from(part);
      const length = Buffer.alloc(5);
      length.writeUInt8(bytes === null ? 0 : 1);
      length.writeUInt32BE(bytes?.length ?? 0, 1);
      hmac.update(length);
      if (bytes) hmac.update(bytes);
    }
    return `${VERSION}.${hmac.digest('base64url')}`;
  }

  /** Whether `mac` (a header value, possibly absent) is this record's MAC under the hub secret. */
  verify(record: MacedRecord, mac: Buffer | string | undefined): boolean {
    if (mac === undefined) return false;
    const expected = Buffer.from(this.of(record));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
