import { randomBytes } from 'node:crypto';
import { integrityProtectedData } from './integrity-protected-data';
import type { NativeRecipient } from './recipient';
import { sessionKeyBlock, sessionKeyPacket } from './session-key-packets';
import { signedLiteral } from './signed-literal';
import type { NativeSigner } from './signer';
import type { SessionCipher } from './symmetric-cipher';

export interface NativeMessage {
  readonly signer: NativeSigner;
  /** Exactly the recipients; one PKESK each, in this order. */
  readonly recipients: readonly NativeRecipient[];
  readonly cipher: SessionCipher;
  /** The signature's and the literal data's creation time. */
  readonly now: Date;
}

/**
 * One binary OpenPGP message: a PKESK v3 per recipient, then SEIPD v1 (MDC) around the one-pass
 * signature, the literal data and the signature. Uncompressed and unarmored.
 */
export function writeSignedAndEncrypted(
  plaintext: Uint8Array,
  { signer, recipients, cipher, now }: NativeMessage,
): Uint8Array {
  const sessionKey = randomBytes(cipher.keyLength);
  const block = sessionKeyBlock(cipher.algorithm, sessionKey);
  return Buffer.concat([
    ...recipients.map((recipient) => sessionKeyPacket(recipient, block)),
    ...integrityProtectedData(signedLiteral(plaintext, signer, now), cipher, sessionKey),
  ]);
}
