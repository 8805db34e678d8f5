import { createPublicKey, type KeyObject } from 'node:crypto';

// DER prefixes that turn a raw 32-byte Curve25519 value into a key Node can import (RFC 8410).
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
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

export function ed25519RawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX.length);
}

/** An RSA public key from its OpenPGP MPIs (the reader has already checked its size). */
export function rsaPublicKey(n: Uint8Array, e: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'RSA', n: base64url(n), e: base64url(e) }, format: 'jwk' });
}

export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
