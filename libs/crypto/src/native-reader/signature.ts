import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { enums, type Key, type Subkey } from 'openpgp';
import { curve25519Point } from '../native-writer/key-material';

/** What the reader needs of a partner's signing (sub)key, derived once when its key is read. */
export interface NativeVerifier {
  readonly keyId: Buffer;
  /** The v4 fingerprint of the signing (sub)key, as the issuer fingerprint subpacket names it. */
  readonly fingerprint: Buffer;
  readonly publicKey: KeyObject;
  /**
   * The newest of the key's creation and the self-signatures that make it a signing key now: a
   * signature made before this is left to openpgp.js, which judges the key as it was then.
   */
  readonly validFrom: Date;
}

// The exact signature the writer makes: v4, binary document, legacy EdDSA over SHA-512.
const SIGNATURE_HEAD = [4, enums.signature.binary, enums.publicKey.eddsaLegacy, enums.hash.sha512];
const ONE_PASS_HEAD = [3, enums.signature.binary, enums.hash.sha512, enums.publicKey.eddsaLegacy];
// Hashed: creation time (type 2, 4 bytes), issuer fingerprint (type 33, v4 + 20 bytes).
// Unhashed: issuer key id (type 16, 8 bytes). Lengths include the type byte.
const HASHED_SUBPACKETS_LENGTH = 6 + 23;
const UNHASHED_SUBPACKETS_LENGTH = 10;

/**
 * The native verifier of `signingKey`, the (sub)key openpgp.js selected for verifying the key
 * `primary`, when it is legacy EdDSA on Ed25519; undefined for anything else (RSA, newer
 * algorithms), whose signatures openpgp.js keeps verifying.
 */
export function nativeVerifier(signingKey: Key | Subkey, primary: Key): NativeVerifier | undefined {
  const packet = signingKey.keyPacket;
  const fingerprint = Buffer.from(packet.getFingerprintBytes() ?? []);
  if (packet.algorithm !== enums.publicKey.eddsaLegacy || fingerprint.length !== 20)
    return undefined;
  const { oid, Q } = packet.publicParams as unknown as {
    oid: { getName(): enums.curve };
    Q: Uint8Array;
  };
  const point = curve25519Point(Q);
  if (oid.getName() !== enums.curve.ed25519Legacy || point === undefined) return undefined;
  // A primary key's direct-key signatures are on the object, though not in openpgp.js's types.
  const directSignatures =
    (primary as Key & { directSignatures?: { created: Date | null }[] }).directSignatures ?? [];
  const selfSignatures =
    signingKey === primary
      ? [...directSignatures, ...primary.users.flatMap((user) => user.selfCertifications)]
      : (signingKey as Subkey).bindingSignatures;
  const times = [primary.keyPacket.created, packet.created, ...selfSignatures.map((s) => s.created)]
    .filter((time): time is Date => time instanceof Date)
    .map((time) => time.getTime());
  return {
    keyId: Buffer.from(packet.getKeyID().toHex(), 'hex'),
    fingerprint,
    publicKey: createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: point.toString('base64url') },
      format: 'jwk',
    }),
    validFrom: new Date(Math.max(...times)),
  };
}

/** The signer's key id a one-pass signature packet names, if it is the writer's exact one. */
export function onePassSigner(body: Buffer): Buffer | undefined {
  if (body.length !== 13 || ONE_PASS_HEAD.some((byte, i) => body[i] !== byte) || body[12] !== 1)
    return undefined;
  return body.subarray(4, 12);
}

/** A signature packet the writer makes, taken apart; undefined for any other kind or layout. */
export interface WriterSignature {
  readonly keyId: Buffer;
  readonly fingerprint: Buffer;
  readonly created: Date;
  /** Version to the end of the hashed subpackets: what the digest covers after the data. */
  readonly hashedPart: Buffer;
  readonly left16: Buffer;
  readonly r: Buffer;
  readonly s: Buffer;
}

export function writerSignature(body: Buffer): WriterSignature | undefined {
  if (body.length < 4 + 2 + HASHED_SUBPACKETS_LENGTH + 2 + UNHASHED_SUBPACKETS_LENGTH + 2)
    return undefined;
  if (SIGNATURE_HEAD.some((byte, i) => body[i] !== byte)) return undefined;
  if (body.readUInt16BE(4) !== HASHED_SUBPACKETS_LENGTH) return undefined;
  const hashed = body.subarray(6, 6 + HASHED_SUBPACKETS_LENGTH);
  if (hashed[0] !== 5 || hashed[1] !== 2 || hashed[6] !== 22 || hashed[7] !== 33 || hashed[8] !== 4)
    return undefined;
  let at = 6 + HASHED_SUBPACKETS_LENGTH;
  if (body.readUInt16BE(at) !== UNHASHED_SUBPACKETS_LENGTH) return undefined;
  const unhashed = body.subarray(at + 2, at + 2 + UNHASHED_SUBPACKETS_LENGTH);
  if (unhashed[0] !== 9 || unhashed[1] !== 16) return undefined;
  at += 2 + UNHASHED_SUBPACKETS_LENGTH;
  const left16 = body.subarray(at, at + 2);
  const r = mpiAt(body, at + 2);
  const s = r && mpiAt(body, r.end);
  if (!r || !s || s.end !== body.length) return undefined;
  return {
    keyId: unhashed.subarray(2, 10),
    fingerprint: hashed.subarray(9, 29),
    created: new Date(hashed.readUInt32BE(2) * 1000),
    hashedPart: body.subarray(0, 6 + HASHED_SUBPACKETS_LENGTH),
    left16,
    r: r.value,
    s: s.value,
  };
}

/** Whether `signature` by `verifier` holds over `data` (RFC 4880 §5.2.4, legacy EdDSA). */
export function verifies(
  signature: WriterSignature,
  verifier: NativeVerifier,
  data: Buffer,
): boolean {
  const { hashedPart } = signature;
  const trailer = Buffer.alloc(6);
  trailer[0] = 4;
  trailer[1] = 0xff;
  trailer.writeUInt32BE(hashedPart.length, 2);
  const digest = createHash('sha512').update(data).update(hashedPart).update(trailer).digest();
  if (!digest.subarray(0, 2).equals(signature.left16)) return false;
  const rs = Buffer.concat([leftPad32(signature.r), leftPad32(signature.s)]);
  return verify(null, digest, verifier.publicKey, rs);
}

/** An MPI of at most 256 bits starting at `at`, its magnitude and where it ends. */
function mpiAt(bytes: Buffer, at: number): { value: Buffer; end: number } | undefined {
  if (at + 2 > bytes.length) return undefined;
  const bits = bytes.readUInt16BE(at);
  const length = (bits + 7) >> 3;
  if (bits > 256 || at + 2 + length > bytes.length) return undefined;
  return { value: bytes.subarray(at + 2, at + 2 + length), end: at + 2 + length };
}

function leftPad32(magnitude: Buffer): Buffer {
  const padded = Buffer.alloc(32);
  magnitude.copy(padded, 32 - magnitude.length);
  return padded;
}
