/** OpenPGP packet framing (RFC 4880 §4.2, new format) and multiprecision integers (§3.2). */

/** The header of a packet with tag `tag` and a body of `length` bytes, always a definite length. */
export function packetHeader(tag: number, length: number): Buffer {
  const tagByte = 0xc0 | tag;
  if (length < 192) return Buffer.from([tagByte, length]);
  if (length < 8384) {
    const rest = length - 192;
    return Buffer.from([tagByte, (rest >> 8) + 192, rest & 0xff]);
  }
  const header = Buffer.alloc(6);
  header[0] = tagByte;
  header[1] = 0xff;
  header.writeUInt32BE(length, 2);
  return header;
}

/** A whole packet whose body is already in one piece. */
export function packet(tag: number, body: Uint8Array): Buffer {
  return Buffer.concat([packetHeader(tag, body.length), body]);
}

/** An MPI: big-endian magnitude with leading zero bytes stripped, after its true bit count. */
export function mpi(bigEndian: Uint8Array): Buffer {
  let start = 0;
  while (start < bigEndian.length && bigEndian[start] === 0) start++;
  const magnitude = bigEndian.subarray(start);
  const first = magnitude[0] ?? 0;
  const bits = magnitude.length === 0 ? 0 : (magnitude.length - 1) * 8 + (32 - Math.clz32(first));
  const header = Buffer.alloc(2);
  header.writeUInt16BE(bits, 0);
  return Buffer.concat([header, magnitude]);
}

/** Seconds since the epoch as a 4-byte big-endian field, as every OpenPGP timestamp is written. */
export function timestamp(date: Date): Buffer {
  const field = Buffer.alloc(4);
  field.writeUInt32BE(Math.floor(date.getTime() / 1000), 0);
  return field;
}
