import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { enums } from 'openpgp';
import { packetHeader } from './packets';
import type { SessionCipher } from './symmetric-cipher';

const SEIPD_VERSION = 1;
const BLOCK_SIZE = 16;
// The MDC packet's header (tag 19, 20 bytes): part of what the SHA-1 covers.
const MDC_HEADER = Buffer.from([0xd3, 0x14]);
const SHA1_LENGTH = 20;
const ZERO_IV = Buffer.alloc(BLOCK_SIZE);

/**
 * A SEIPD v1 packet (RFC 4880 §5.13): `content` encrypted with AES-CFB (zero IV, no resync)
 * behind a random prefix whose last two bytes repeat, followed by the MDC (SHA-1 of it all).
 */
export function integrityProtectedData(
  content: readonly Buffer[],
  cipher: SessionCipher,
  sessionKey: Buffer,
): Buffer[] {
  const random = randomBytes(BLOCK_SIZE);
  const prefix = Buffer.concat([random, random.subarray(BLOCK_SIZE - 2)]);
  const encryption = createCipheriv(cipher.cfb, sessionKey, ZERO_IV);
  const mdc = createHash('sha1');
  const encrypted: Buffer[] = [];
  let contentLength = 0;
  for (const part of [prefix, ...content, MDC_HEADER]) {
    mdc.update(part);
    encrypted.push(encryption.update(part));
    contentLength += part.length;
  }
  encrypted.push(encryption.update(mdc.digest()), encryption.final());
  return [
    packetHeader(enums.packet.symEncryptedIntegrityProtectedData, 1 + contentLength + SHA1_LENGTH),
    Buffer.from([SEIPD_VERSION]),
    ...encrypted,
  ];
}
