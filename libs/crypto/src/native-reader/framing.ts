/** One packet as the hub's writer frames it: a new-format header and a definite length. */
export interface FramedPacket {
  readonly tag: number;
  readonly body: Buffer;
}

/**
 * The packets of `bytes`, or undefined unless every one is framed exactly as the hub's writer
 * frames them (RFC 4880 §4.2, new format, definite lengths) and they fill `bytes` to the end:
 * old-format headers and partial lengths, which other writers use, are left to openpgp.js.
 */
export function framedPackets(bytes: Buffer, maxPackets: number): FramedPacket[] | undefined {
  const packets: FramedPacket[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (packets.length === maxPackets) return undefined;
    const first = bytes[at]!;
    if ((first & 0xc0) !== 0xc0) return undefined;
    const header = bodyLength(bytes, at + 1);
    if (header === undefined) return undefined;
    const start = at + 1 + header.octets;
    const end = start + header.length;
    if (end > bytes.length) return undefined;
    packets.push({ tag: first & 0x3f, body: bytes.subarray(start, end) });
    at = end;
  }
  return packets;
}

function bodyLength(bytes: Buffer, at: number): { length: number; octets: number } | undefined {
  const first = bytes[at];
  if (first === undefined) return undefined;
  if (first < 192) return { length: first, octets: 1 };
  if (first < 224) {
    const second = bytes[at + 1];
    return second === undefined
      ? undefined
      : { length: ((first - 192) << 8) + second + 192, octets: 2 };
  }
  if (first === 255 && at + 5 <= bytes.length)
    return { length: bytes.readUInt32BE(at + 1), octets: 5 };
  // 224–254: a partial body length.
  return undefined;
}
