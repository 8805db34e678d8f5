import {
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type KeyObject,
} from 'node:crypto';
import { enums, type Key, type Subkey } from 'openpgp';
import { SESSION_CIPHERS, type SessionCipher } from '../native-writer/symmetric-cipher';
import {
  KEY_WRAP_IV,
  keyEncryptionKey,
  nativeRecipient,
  type X25519Recipient,
} from '../native-writer/recipient';

/** What the reader needs of the hub's encryption subkey, derived once when the key is read. */
export interface NativeDecrypter {
  readonly recipient: X25519Recipient;
  readonly privateKey: KeyObject;
}

const POINT_BITS = 263; // 0x40 ‖ 32 bytes
const PKESK_VERSION = 3;

/**
 * The native decrypter of `subkey`, the encryption subkey openpgp.js selected, when it is an X25519
 * key (ECDH on curve25519Legacy, algorithm 18) whose secret gives back its own public key;
 * undefined for anything else, whose messages openpgp.js keeps reading.
 */
export function nativeDecrypter(subkey: Key | Subkey): NativeDecrypter | undefined {
  const packet = subkey.keyPacket;
  if (packet.algorithm !== enums.publicKey.ecdh) return undefined;
  let recipient;
  try {
    recipient = nativeRecipient(subkey, packet.getFingerprint());
  } catch {
    return undefined;
  }
  if (recipient.kind !== 'x25519') return undefined;
  const secret = (packet as unknown as { privateParams?: { d?: Uint8Array } }).privateParams?.d;
  if (!(secret instanceof Uint8Array) || secret.length > 32) return undefined;
  // OpenPGP stores the Curve25519 secret big-endian; X25519 reads it little-endian.
  const scalar = Buffer.alloc(32);
  scalar.set(secret, 32 - secret.length);
  scalar.reverse();
  const privateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', x: '', d: scalar.toString('base64url') },
    format: 'jwk',
  });
  return createPublicKey(privateKey).equals(recipient.publicKey)
    ? { recipient, privateKey }
    : undefined;
}

/**
 * The session key a PKESK v3 body gives `decrypter`, or undefined when the packet is for another
 * key, is not ECDH as the writer writes it, or does not unwrap to an intact AES session key.
 */
export function sessionKeyOf(
  body: Buffer,
  decrypter: NativeDecrypter,
): { readonly cipher: SessionCipher; readonly key: Buffer } | undefined {
  const { recipient } = decrypter;
  if (body.length < 10 + 2 + 33 + 1 || body[0] !== PKESK_VERSION) return undefined;
  if (!body.subarray(1, 9).equals(recipient.keyId) || body[9] !== enums.publicKey.ecdh)
    return undefined;
  if (body.readUInt16BE(10) !== POINT_BITS || body[12] !== 0x40) return undefined;
  const point = body.subarray(13, 45);
  const wrappedLength = body[45]!;
  const wrapped = body.subarray(46);
  if (wrapped.length !== wrappedLength || wrappedLength % 8 !== 0 || wrappedLength < 24)
    return undefined;
  try {
    const shared = diffieHellman({
      privateKey: decrypter.privateKey,
      publicKey: createPublicKey({
        key: { kty: 'OKP', crv: 'X25519', x: point.toString('base64url') },
        format: 'jwk',
      }),
    });
    const kek = keyEncryptionKey(recipient, shared);
    const unwrap = createDecipheriv(recipient.keyWrapCipher, kek, KEY_WRAP_IV);
    return sessionKeyFromBlock(Buffer.concat([unwrap.update(wrapped), unwrap.final()]));
  } catch {
    // A small-order point, or a wrap whose integrity check fails.
    return undefined;
  }
}

/** algorithm ‖ key ‖ 16-bit sum, PKCS#5-padded, as the writer's `sessionKeyBlock` makes it. */
function sessionKeyFromBlock(
  padded: Buffer,
): { readonly cipher: SessionCipher; readonly key: Buffer } | undefined {
  const padding = padded[padded.length - 1]!;
  if (padding < 1 || padding > 8) return undefined;
  for (let i = padded.length - padding; i < padded.length; i++)
    if (padded[i] !== padding) return undefined;
  const block = padded.subarray(0, padded.length - padding);
  const cipher = SESSION_CIPHERS.find((candidate) => candidate.algorithm === block[0]);
  if (cipher === undefined || block.length !== 1 + cipher.keyLength + 2) return undefined;
  const key = block.subarray(1, 1 + cipher.keyLength);
  let sum = 0;
  for (const byte of key) sum = (sum + byte) & 0xffff;
  return sum === block.readUInt16BE(1 + cipher.keyLength) ? { cipher, key } : undefined;
}
