import { createHash, type KeyObject } from 'node:crypto';
import { enums, type Key, type Subkey } from 'openpgp';
import { UnusableKeyError } from '../errors';
import { curve25519Point, rsaPublicKey, x25519PublicKey } from './key-material';

/** What the writer needs of a recipient's encryption subkey, derived once when the key is read. */
export type NativeRecipient = X25519Recipient | RsaRecipient;

/** ECDH on curve25519Legacy (algorithm 18) with the RFC 6637 KDF and AES key wrap. */
export interface X25519Recipient {
  readonly kind: 'x25519';
  /** The encryption subkey's key id, written into the PKESK packet. */
  readonly keyId: Buffer;
  readonly publicKey: KeyObject;
  /** The KDF parameter block, fixed per subkey (RFC 6637 §8). */
  readonly kdfParam: Buffer;
  readonly kdfHash: string;
  readonly keyWrapCipher: string;
  readonly keyWrapKeyLength: number;
}

/** RSA (algorithm 1 or 2) with PKCS#1 v1.5 encryption, as RFC 4880 §5.1 requires. */
export interface RsaRecipient {
  readonly kind: 'rsa';
  readonly keyId: Buffer;
  readonly algorithm: number;
  readonly publicKey: KeyObject;
}

const KDF_HASHES: ReadonlyMap<number, string> = new Map([
  [enums.hash.sha256, 'sha256'],
  [enums.hash.sha384, 'sha384'],
  [enums.hash.sha512, 'sha512'],
]);
const KEY_WRAP_CIPHERS: ReadonlyMap<number, { name: string; keyLength: number }> = new Map([
  [enums.symmetric.aes128, { name: 'id-aes128-wrap', keyLength: 16 }],
  [enums.symmetric.aes192, { name: 'id-aes192-wrap', keyLength: 24 }],
  [enums.symmetric.aes256, { name: 'id-aes256-wrap', keyLength: 32 }],
]);
const V4_FINGERPRINT_LENGTH = 20;
const ANONYMOUS_SENDER = Buffer.from('Anonymous Sender    ', 'latin1');

interface EcdhParams {
  readonly oid: { getName(): enums.curve; write(): Uint8Array };
  readonly Q: Uint8Array;
  readonly kdfParams: { readonly hash: number; readonly cipher: number };
}

interface RsaParams {
  readonly n: Uint8Array;
  readonly e: Uint8Array;
}

/**
 * The native recipient for `subkey`, the encryption subkey openpgp.js selected for the key with
 * `fingerprint`; refuses (naming that fingerprint) anything it could not write exactly right.
 */
export function nativeRecipient(subkey: Key | Subkey, fingerprint: string): NativeRecipient {
  const packet = subkey.keyPacket;
  const keyId = Buffer.from(packet.getKeyID().toHex(), 'hex');
  // Ifs, not a switch: the writer serves three of openpgp.js's many algorithms, the rest refused.
  if (packet.algorithm === enums.publicKey.ecdh) return x25519Recipient(packet, keyId, fingerprint);
  if (
    packet.algorithm === enums.publicKey.rsaEncryptSign ||
    packet.algorithm === enums.publicKey.rsaEncrypt
  ) {
    const { n, e } = packet.publicParams as unknown as RsaParams;
    return { kind: 'rsa', keyId, algorithm: packet.algorithm, publicKey: rsaPublicKey(n, e) };
  }
  throw refused(fingerprint, `an encryption subkey of algorithm ${packet.algorithm}`);
}

function refused(fingerprint: string, what: string): UnusableKeyError {
  return new UnusableKeyError(fingerprint, `has ${what}, which the hub's writer does not write`);
}

function x25519Recipient(
  packet: (Key | Subkey)['keyPacket'],
  keyId: Buffer,
  fingerprint: string,
): X25519Recipient {
  const { oid, Q, kdfParams } = packet.publicParams as unknown as EcdhParams;
  const point = curve25519Point(Q);
  if (oid.getName() !== enums.curve.curve25519Legacy || point === undefined) {
    throw refused(fingerprint, 'an ECDH encryption subkey on a curve other than Curve25519');
  }
  const kdfHash = KDF_HASHES.get(kdfParams.hash);
  const keyWrap = KEY_WRAP_CIPHERS.get(kdfParams.cipher);
  if (kdfHash === undefined || keyWrap === undefined) {
    throw refused(fingerprint, 'ECDH KDF parameters other than SHA-2 and AES key wrap');
  }
  const subkeyFingerprint = packet.getFingerprintBytes();
  if (subkeyFingerprint?.length !== V4_FINGERPRINT_LENGTH) {
    throw refused(fingerprint, 'an encryption subkey without a v4 fingerprint');
  }
  return {
    kind: 'x25519',
    keyId,
    publicKey: x25519PublicKey(point),
    kdfParam: Buffer.concat([
      oid.write(),
      Buffer.from([enums.publicKey.ecdh]),
      Buffer.from([3, 1, kdfParams.hash, kdfParams.cipher]),
      ANONYMOUS_SENDER,
      subkeyFingerprint,
    ]),
    kdfHash,
    keyWrapCipher: keyWrap.name,
    keyWrapKeyLength: keyWrap.keyLength,
  };
}

const KDF_COUNTER = Buffer.from([0, 0, 0, 1]);
/** RFC 3394's default initial value, which OpenPGP's AES key wrap uses. */
export const KEY_WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/** RFC 6637 §7: the key that wraps the session key, KEK = hash(1 ‖ Z ‖ param), cut to the wrap's size. */
export function keyEncryptionKey(recipient: X25519Recipient, shared: Buffer): Buffer {
  return createHash(recipient.kdfHash)
    .update(KDF_COUNTER)
    .update(shared)
    .update(recipient.kdfParam)
    .digest()
    .subarray(0, recipient.keyWrapKeyLength);
}
