import { createMessage, readSignature, sign, verify, type Signature } from 'openpgp';
import { explainFailure, requireUse, type PgpPrivateKey, type PgpPublicKey } from './keys';
import { HUB_OPENPGP_CONFIG } from './openpgp-config';
import { asBytes, classifyPgpInput, isEmptyPgpInput } from './pgp-input';
import { checkSignatures, type SignatureCheck } from './signature-check';

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
