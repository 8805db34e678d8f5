import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { enums } from 'openpgp';
import type { PgpPrivateKey, PgpPublicKey } from '../keys';
import { framedPackets, type FramedPacket } from './framing';
import { sessionKeyOf } from './session-key';
import { onePassSigner, verifies, writerSignature } from './signature';

// The packet tags of the writer's profile, as the numbers framing reads.
const TAGS: Readonly<
  Record<'sessionKey' | 'encrypted' | 'onePass' | 'literal' | 'signature', number>
> = {
  sessionKey: enums.packet.publicKeyEncryptedSessionKey,
  encrypted: enums.packet.symEncryptedIntegrityProtectedData,
  onePass: enums.packet.onePassSignature,
  literal: enums.packet.literalData,
  signature: enums.packet.signature,
};
const SEIPD_VERSION = 1;
const BLOCK_SIZE = 16;
const ZERO_IV = Buffer.alloc(BLOCK_SIZE);
const MDC_LENGTH = 22; // 0xD3 0x14 ‖ SHA-1
const LITERAL_PREFIX_LENGTH = 6; // 'b', empty file name, date

/** What a submission opened on the native path gives: as `decryptSubmission` would. */
export interface OpenedOwnProfile {
  readonly plaintext: Uint8Array;
  readonly signingKeyFingerprint: string;
}

/**
 * Opens a binary message only if it is exactly what the hub's own writer makes (see
 * `writeSignedAndEncrypted`) — PKESK v3s and one SEIPD v1 holding a one-pass signature, literal
 * data and a v4 EdDSA signature — encrypted to `decryptionKey`'s X25519 subkey and validly signed,
 * now, by the Ed25519 signing key of one of `verificationKeys`. It only ever accepts: anything
 * else, a failing check included, gives undefined and the message goes to openpgp.js, which
 * decides and names the reason. Partners' connectors write this profile, so most submissions
 * skip openpgp.js's per-message key imports into WebCrypto.
 */
export function openOwnProfile(
  message: Buffer,
  options: {
    readonly decryptionKey: PgpPrivateKey;
    readonly verificationKeys: readonly PgpPublicKey[];
    readonly maxPlaintextBytes: number;
    readonly maxPackets: number;
    readonly now: Date;
  },
): OpenedOwnProfile | undefined {
  const decrypter = options.decryptionKey.at(options.now)?.nativeDecrypter;
  if (decrypter === undefined) return undefined;
  const packets = framedPackets(message, options.maxPackets);
  const encrypted = packets?.at(-1);
  if (!packets || encrypted?.tag !== TAGS.encrypted) return undefined;
  const sessionKeys = packets.slice(0, -1);
  if (sessionKeys.some(({ tag }) => tag !== TAGS.sessionKey)) return undefined;
  const sessionKey = sessionKeys
    .map(({ body }) => sessionKeyOf(body, decrypter))
    .find((found) => found !== undefined);
  if (!sessionKey) return undefined;
  const content = decryptedContent(encrypted.body, sessionKey.cipher.cfb, sessionKey.key);
  const inner = content && framedPackets(content, 3);
  if (!inner || inner.length !== 3) return undefined;
  const [onePass, literal, signaturePacket] = inner as [FramedPacket, FramedPacket, FramedPacket];
  if (
    onePass.tag !== TAGS.onePass ||
    literal.tag !== TAGS.literal ||
    signaturePacket.tag !== TAGS.signature
  )
    return undefined;
  // Binary ('b'), no file name: the writer's literal data.
  if (
    literal.body.length < LITERAL_PREFIX_LENGTH ||
    literal.body[0] !== 0x62 ||
    literal.body[1] !== 0
  )
    return undefined;
  const plaintext = literal.body.subarray(LITERAL_PREFIX_LENGTH);
  if (plaintext.length > options.maxPlaintextBytes) return undefined;
  const signature = writerSignature(signaturePacket.body);
  if (!signature || !onePassSigner(onePass.body)?.equals(signature.keyId)) return undefined;
  // Each key as it is now: the signing subkey openpgp.js selects now, and none once it expired.
  const signer = options.verificationKeys
    .map((key) => key.at(options.now))
    .find(
      (key) =>
        key?.nativeVerifier?.keyId.equals(signature.keyId) &&
        key.nativeVerifier.fingerprint.equals(signature.fingerprint),
    );
  const verifier = signer?.nativeVerifier;
  if (!signer || !verifier) return undefined;
  const created = signature.created.getTime();
  if (created < verifier.validFrom.getTime() || created > options.now.getTime()) return undefined;
  if (!verifies(signature, verifier, plaintext)) return undefined;
  return { plaintext: Uint8Array.from(plaintext), signingKeyFingerprint: signer.fingerprint };
}

/**
 * The packets inside a SEIPD v1 body: AES-CFB with a zero IV, a random prefix whose last two bytes
 * repeat, and the MDC (SHA-1 over all before it) checked in constant time; undefined otherwise.
 */
function decryptedContent(body: Buffer, cfb: string, key: Buffer): Buffer | undefined {
  if (body[0] !== SEIPD_VERSION || body.length < 1 + BLOCK_SIZE + 2 + MDC_LENGTH) return undefined;
  const decipher = createDecipheriv(cfb, key, ZERO_IV);
  const clear = Buffer.concat([decipher.update(body.subarray(1)), decipher.final()]);
  const mdcAt = clear.length - MDC_LENGTH;
  if (clear[mdcAt] !== 0xd3 || clear[mdcAt + 1] !== 0x14) return undefined;
  const digest = createHash('sha1')
    .update(clear.subarray(0, mdcAt + 2))
    .digest();
  if (!timingSafeEqual(digest, clear.subarray(mdcAt + 2))) return undefined;
  if (
    clear[BLOCK_SIZE] !== clear[BLOCK_SIZE - 2] ||
    clear[BLOCK_SIZE + 1] !== clear[BLOCK_SIZE - 1]
  )
    return undefined;
  return clear.subarray(BLOCK_SIZE + 2, mdcAt);
}
