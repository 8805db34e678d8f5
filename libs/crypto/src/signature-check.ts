import type { KeyID, Signature } from 'openpgp';
import { findKeyProblem, type PgpPublicKey } from './keys';

/**
 * - `no-signature`: there is no data signature at all.
 * - `unknown-signer`: no signature is by one of the given keys.
 * - `unusable-signer-key`: the signer's key was expired or revoked when it signed (a revocation
 *   for compromise counts whenever it was made).
 * - `bad-signature`: a known key signed, but not these bytes (tampered data, wrong data).
 */
export type SignatureFailure =
  'no-signature' | 'unknown-signer' | 'unusable-signer-key' | 'bad-signature';

/**
 * The outcome of a signature check; reasons are codes, never quotes from the data. A failure names
 * the key ids the signatures claim (upper-case hex), so a sender can tell which key it signed with.
 */
export type SignatureCheck =
  | { readonly valid: true; readonly signingKeyFingerprint: string }
  | {
      readonly valid: false;
      readonly reason: SignatureFailure;
      readonly signerKeyIds: readonly string[];
    };

/** openpgp.js's per-signature verification result (its `VerificationResult` type is not exported). */
export interface OpenpgpVerification {
  readonly keyID: KeyID;
  readonly verified: Promise<true>;
  readonly signature: Promise<Signature>;
}

/** Valid when any signature by a given key verifies; otherwise the most specific failure. */
export async function checkSignatures(
  verifications: readonly OpenpgpVerification[],
  verificationKeys: readonly PgpPublicKey[],
): Promise<SignatureCheck> {
  if (verifications.length === 0) {
    return { valid: false, reason: 'no-signature', signerKeyIds: [] };
  }
  let failure: SignatureFailure = 'unknown-signer';
  for (const verification of verifications) {
    const signer = verificationKeys.find(
      (key) => key.openpgpKey.getKeys(verification.keyID).length > 0,
    );
    if (signer === undefined) {
      continue;
    }
    const verified = await verification.verified.then(
      () => true,
      () => false,
    );
    if (verified) {
      return { valid: true, signingKeyFingerprint: signer.fingerprint };
    }
    // openpgp.js checks the digest first and the key's validity at signing time after; tell the two apart.
    const createdAt = await verification.signature.then(
      (signature) => signature.packets[0]?.created ?? new Date(),
      () => new Date(),
    );
    const keyProblem = await findKeyProblem(signer, 'verify', createdAt);
    if (keyProblem !== undefined) {
      failure = 'unusable-signer-key';
    } else if (failure !== 'unusable-signer-key') {
      failure = 'bad-signature';
    }
  }
  const signerKeyIds = verifications.map((verification) =>
    verification.keyID.toHex().toUpperCase(),
  );
  return { valid: false, reason: failure, signerKeyIds: [...new Set(signerKeyIds)] };
}
