/*
 * A minimal walker over top-level OpenPGP packet framing (RFC 4880 §4.2), written apart from
 * openpgp.js: openpgp.js drops packets it does not know, so its parse alone cannot prove that a
 * message holds nothing else. It knows framing only, not packet contents.
 */

export interface PacketFrame {
  readonly tag: number;
  /** Where the packet's body bytes lie in the message: one range, or one per partial chunk. */
  readonly bodyRanges: readonly (readonly [start: number, end: number])[];
}

export function topLevelPackets(message: Uint8Array): PacketFrame[] {
  const packets: PacketFrame[] = [];
  let offset = 0;
  while (offset < message.length) {
    const header = byteAt(message, offset);
    if ((header & 0x80) === 0) throw new Error(`no packet header at offset ${offset}`);
    const frame =
      (header & 0x40) !== 0
        ? newFormatPacket(message, offset, header & 0x3f)
        : oldFormatPacket(message, offset, (header >> 2) & 0x0f, header & 0x03);
    packets.push(frame.packet);
    offset = frame.next;
  }
  return packets;
}

/**
 * `message` with one byte of its last packet's body (the encrypted data) XORed with `mask`: the
 * byte at `position`, taken modulo the body's length, so any drawn number names a body byte.
 */
export function withEncryptedDataByteFlipped(
  message: Uint8Array,
  position: number,
  mask: number,
): Uint8Array {
  const encryptedData = topLevelPackets(message).at(-1);
  if (encryptedData === undefined) throw new Error('the message has no packets');
  const tampered = Uint8Array.from(message);
  const offset = bodyOffset(encryptedData, position % bodyLength(encryptedData));
  tampered[offset] = byteAt(tampered, offset) ^ mask;
  return tampered;
}

/** The absolute offset of the `index`-th body byte of `packet`, across partial chunks. */
function bodyOffset(packet: PacketFrame, index: number): number {
  let remaining = index;
  for (const [start, end] of packet.bodyRanges) {
    if (remaining < end - start) return start + remaining;
    remaining -= end - start;
  }
  throw new Error(`body byte ${index} is beyond the packet's body`);
}

function bodyLength(packet: PacketFrame): number {
  return packet.bodyRanges.reduce((total, [start, end]) => total + end - start, 0);
}

function newFormatPacket(
  message: Uint8Array,
  headerOffset: number,
  tag: number,
): { packet: PacketFrame; next: number } {
  const bodyRanges: [number, number][] = [];
  let offset = headerOffset + 1;
  for (;;) {
    const first = byteAt(message, offset);
    if (first < 192) {
      bodyRanges.push(range(message, offset + 1, first));
      break;
    }
    if (first < 224) {
      const length = ((first - 192) << 8) + byteAt(message, offset + 1) + 192;
      bodyRanges.push(range(message, offset + 2, length));
      break;
    }
    if (first === 255) {
      bodyRanges.push(range(message, offset + 5, uint32At(message, offset + 1)));
      break;
    }
    // A partial body length: a power-of-two chunk, then another length header follows it.
    const chunk = range(message, offset + 1, 1 << (first & 0x1f));
    bodyRanges.push(chunk);
    offset = chunk[1];
  }
  return { packet: { tag, bodyRanges }, next: bodyRanges.at(-1)?.[1] ?? offset };
}

function oldFormatPacket(
  message: Uint8Array,
  headerOffset: number,
  tag: number,
  lengthType: number,
): { packet: PacketFrame; next: number } {
  const start = headerOffset + 1;
  const body: [number, number] =
    lengthType === 0
      ? range(message, start + 1, byteAt(message, start))
      : lengthType === 1
        ? range(message, start + 2, (byteAt(message, start) << 8) | byteAt(message, start + 1))
        : lengthType === 2
          ? range(message, start + 4, uint32At(message, start))
          : [start, message.length];
  return { packet: { tag, bodyRanges: [body] }, next: body[1] };
}

function range(message: Uint8Array, start: number, length: number): [number, number] {
  if (start + length > message.length) throw new Error(`packet at ${start} runs past the end`);
  return [start, start + length];
}

function byteAt(message: Uint8Array, offset: number): number {
  const value = message[offset];
  if (value === undefined) throw new Error(`message ends at offset ${offset}`);
  return value;
}

function uint32At(message: Uint8Array, offset: number): number {
  return (
    ((byteAt(message, offset) << 24) >>> 0) +
    (byteAt(message, offset + 1) << 16) +
    (byteAt(message, offset + 2) << 8) +
    byteAt(message, offset + 3)
  );
}

/** The outer layer of an encrypted message: its PKESKs and the encrypted data packet after them. */
export interface EnvelopeFrame {
  readonly tags: readonly number[];
  readonly sessionKeyPackets: readonly {
    readonly version: number;
    readonly keyId: string;
    readonly algorithm: number;
  }[];
  /** The first body byte of the last packet: 1 for SEIPD v1 (MDC), 2 for SEIPD v2 (AEAD). */
  readonly encryptedDataVersion: number | undefined;
}

const PKESK_TAG = 1;

export function envelopeFrame(message: Uint8Array): EnvelopeFrame {
  const packets = topLevelPackets(message);
  const bodyByte = (packet: PacketFrame, index: number) =>
    byteAt(message, bodyOffset(packet, index));
  const last = packets.at(-1);
  return {
    tags: packets.map((packet) => packet.tag),
    sessionKeyPackets: packets
      .filter((packet) => packet.tag === PKESK_TAG)
      .map((packet) => ({
        version: bodyByte(packet, 0),
        keyId: Buffer.from(
          Array.from({ length: 8 }, (_, index) => bodyByte(packet, 1 + index)),
        ).toString('hex'),
        algorithm: bodyByte(packet, 9),
      })),
    encryptedDataVersion: last === undefined ? undefined : bodyByte(last, 0),
  };
}
