import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';

// DER prefixes that turn a raw 32-byte Curve25519 value into a key Node can import (RFC 8410).
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
// Ed25519's SPKI prefix (302a300506032b6570032100) is as long as X25519's.
const CURVE25519_SPKI_PREFIX_LENGTH = X25519_SPKI_PREFIX.length;
export const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The 33-byte OpenPGP point (0x40 ‖ native little-endian encoding) without its prefix. */
export function curve25519Point(q: Uint8Array): Buffer | undefined {
  return q.length === 33 && q[0] === 0x40 ? Buffer.from(q.subarray(1)) : undefined;
}

export function x25519PublicKey(point: Buffer): KeyObject {
  return createPublicKey({
    key: Buffer.concat([X25519_SPKI_PREFIX, point]),
    format: 'der',
    type: 'spki',
  });
}

/** The raw 32-byte public value of an X25519 or Ed25519 key, through DER (never JWK: see README). */
export function curve25519RawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(CURVE25519_SPKI_PREFIX_LENGTH);
}

/**
 * A fresh X25519 key and its raw public value. The scalar is imported from JWK, which Node turns
 * into a key directly (Node reads only `d` of a private OKP key); PKCS#8 or DER go through
 * OpenSSL 3's decoders and encoders, which cost more than the curve arithmetic itself: 178 µs
 * per key with `generateKeyPairSync` and a DER export, 111 µs this way. The public value is read
 * by a JWK export of a key no key-generation job ever held: a job's finaliser is what deadlocked
 * the JWK export on Node 20 (see the README); the benchmark's soak runs this 500,000 times.
 */
export function x25519EphemeralKey(): { readonly privateKey: KeyObject; readonly point: Buffer } {
  const privateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', x: '', d: randomBytes(32).toString('base64url') },
    format: 'jwk',
  });
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, point: Buffer.from(x!, 'base64url') };
}

/** An RSA public key from its OpenPGP MPIs (the reader has already checked its size). */
export function rsaPublicKey(n: Uint8Array, e: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'RSA', n: base64url(n), e: base64url(e) }, format: 'jwk' });
}

export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
