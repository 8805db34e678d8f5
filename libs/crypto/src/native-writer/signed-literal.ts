import { createHash } from 'node:crypto';
import { enums } from 'openpgp';
import { packet, packetHeader, timestamp } from './packets';
import { SIGNATURE_HASH, signatureMpis, type NativeSigner } from './signer';

const BINARY_SIGNATURE = enums.signature.binary;
const SIGNATURE_VERSION = 4;
const ONE_PASS_VERSION = 3;
// Signature subpacket types (RFC 4880 §5.2.3.1; 33 from RFC 9580 §5.2.3.35).
const SUBPACKET_CREATION_TIME = 2;
const SUBPACKET_ISSUER_KEY_ID = 16;
const SUBPACKET_ISSUER_FINGERPRINT = 33;
const V4_KEY = 4;

/**
 * `plaintext` as a signed message (RFC 4880 §11.3): one-pass signature, literal data ('b', no file
 * name), then the v4 binary signature over it. Returned in pieces so the plaintext is not copied.
 */
export function signedLiteral(plaintext: Uint8Array, signer: NativeSigner, now: Date): Buffer[] {
  const onePass = packet(
    enums.packet.onePassSignature,
    Buffer.concat([
      Buffer.from([ONE_PASS_VERSION, BINARY_SIGNATURE, SIGNATURE_HASH.algorithm, signer.algorithm]),
      signer.keyId,
      // 1: no other one-pass signature follows; this one covers the literal data directly.
      Buffer.from([1]),
    ]),
  );
  const literalPrefix = Buffer.concat([Buffer.from([0x62 /* 'b' */, 0]), timestamp(now)]);
  const literalHeader = Buffer.concat([
    packetHeader(enums.packet.literalData, literalPrefix.length + plaintext.length),
    literalPrefix,
  ]);
  return [
    onePass,
    literalHeader,
    Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength),
    signature(plaintext, signer, now),
  ];
}

function signature(plaintext: Uint8Array, signer: NativeSigner, now: Date): Buffer {
  const hashedSubpackets = Buffer.concat([
    subpacket(SUBPACKET_CREATION_TIME, timestamp(now)),
    subpacket(
      SUBPACKET_ISSUER_FINGERPRINT,
      Buffer.concat([Buffer.from([V4_KEY]), signer.fingerprint]),
    ),
  ]);
  const hashedPart = Buffer.concat([
    Buffer.from([SIGNATURE_VERSION, BINARY_SIGNATURE, signer.algorithm, SIGNATURE_HASH.algorithm]),
    uint16(hashedSubpackets.length),
    hashedSubpackets,
  ]);
  const trailer = Buffer.alloc(6);
  trailer[0] = SIGNATURE_VERSION;
  trailer[1] = 0xff;
  trailer.writeUInt32BE(hashedPart.length, 2);
  const digest = createHash(SIGNATURE_HASH.name)
    .update(plaintext)
    .update(hashedPart)
    .update(trailer)
    .digest();
  const unhashedSubpackets = subpacket(SUBPACKET_ISSUER_KEY_ID, signer.keyId);
  return packet(
    enums.packet.signature,
    Buffer.concat([
      hashedPart,
      uint16(unhashedSubpackets.length),
      unhashedSubpackets,
      // The left 16 bits of the digest let a reader reject a wrong key quickly.
      digest.subarray(0, 2),
      ...signatureMpis(signer, digest),
    ]),
  );
}

/** A signature subpacket with a one-byte length (every one the writer emits is short). */
function subpacket(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([body.length + 1, type]), body]);
}

function uint16(value: number): Buffer {
  const field = Buffer.alloc(2);
  field.writeUInt16BE(value, 0);
  return field;
}
