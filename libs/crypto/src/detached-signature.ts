import { createMessage, readSignature, sign, verify, type Signature } from 'openpgp';
import { explainFailure, requireUse, type PgpPrivateKey, type PgpPublicKey } from './keys';
import { HUB_OPENPGP_CONFIG } from './openpgp-config';
import { asBytes, classifyPgpInput, isEmptyPgpInput } from './pgp-input';
import { checkSignatures, type SignatureCheck } from './signature-check';

/**
 * The most bytes of a detached signature that are read at all. One key's signature is well under
 * 1 KB binary (~190 bytes for our EdDSA keys, ~600 for RSA-4096), ~2 KB armored; 8 KiB leaves room
 * for a few of them, and no parsing or verifying starts on more.
 */
export const MAX_DETACHED_SIGNATURE_BYTES = 8 * 1024;

/**
 * The most signature packets a detached signature may hold: one per key, with room for a
 * partner signing with its old and new key while a key is rotated. Each packet that names a
 * registered key costs a hash over the whole value: 2,000 copies of one signature over 300 KB
 * took 1.3 s and 600 MB before this limit.
 */
export const MAX_DETACHED_SIGNATURE_PACKETS = 4;

/** A binary (non-armored) detached signature over `data`, as `gpg --detach-sign` makes. */
export async function signDetached(
  data: Uint8Array,
  signingKey: PgpPrivateKey,
): Promise<Uint8Array> {
  requireUse(signingKey, 'sign');
  let signature: unknown;
  try {
    signature = await sign({
      message: await createMessage({ binary: data }),
      signingKeys: signingKey.openpgpKey,
      detached: true,
      format: 'binary',
      config: HUB_OPENPGP_CONFIG,
    });
  } catch (error) {
    throw await explainFailure(error, 'detached signing', [[signingKey, 'sign']]);
  }
  return asBytes(signature);
}

/**
 * Checks a detached signature (armored or binary, as string or bytes) over `data` against the
 * keys the sender may use. Never throws on bad input: every failure is a `reason`. (It does throw
 * `UnusableKeyError` for a key that was not read for 'verify': a programming error.)
 */
export async function verifyDetached(
  data: Uint8Array,
  signature: Uint8Array | string,
  verificationKeys: readonly PgpPublicKey[],
): Promise<SignatureCheck> {
  for (const key of verificationKeys) {
    requireUse(key, 'verify');
  }
  if (isEmptyPgpInput(signature)) {
    return { valid: false, reason: 'no-signature' };
  }
  // Limits first, so verification cannot be made expensive: size before parsing, count before hashing.
  if (byteLength(signature) > MAX_DETACHED_SIGNATURE_BYTES) {
    return { valid: false, reason: 'signature-too-large' };
  }
  let parsed: Signature;
  try {
    const source = classifyPgpInput(signature);
    parsed =
      'armored' in source
        ? await readSignature({ armoredSignature: source.armored, config: HUB_OPENPGP_CONFIG })
        : await readSignature({ binarySignature: source.binary, config: HUB_OPENPGP_CONFIG });
  } catch {
    return { valid: false, reason: 'malformed-signature' };
  }
  if (parsed.packets.length > MAX_DETACHED_SIGNATURE_PACKETS) {
    return { valid: false, reason: 'too-many-signatures' };
  }
  try {
    const { signatures } = await verify({
      message: await createMessage({ binary: data }),
      signature: parsed,
      verificationKeys: verificationKeys.map((key) => key.openpgpKey),
      format: 'binary',
      config: HUB_OPENPGP_CONFIG,
    });
    return await checkSignatures(signatures, verificationKeys);
  } catch {
    return { valid: false, reason: 'bad-signature' };
  }
}

function byteLength(input: Uint8Array | string): number {
  return typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
}
