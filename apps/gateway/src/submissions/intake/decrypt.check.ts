import {
  decryptSubmission,
  MAX_SUBMISSION_PACKETS,
  MAX_SUBMISSION_SIGNATURES,
  type SubmissionFailure,
} from '@samenloop/crypto';
import type { Partner } from '@samenloop/partners';
import type { KeyProblem } from '../../keys/hub-keys';
import type { RejectionReason } from '../answers/rejection-reason';
import { SubmissionRejected } from '../errors/submission-rejected';
import type { IntakeCheck } from './intake-state';

/**
 * The submission's plaintext: the record value is one OpenPGP message encrypted to the hub and
 * signed inside by the topic's owner. Until the signature holds, nothing from it is audited.
 */
export const decryptedAndVerified: IntakeCheck = async (state, { keys, maxMessageBytes }) => {
  const { sender } = state;
  const senderKey = await keys.partner(sender.id, new Date());
  const opened = await decryptSubmission(state.record.value ?? Buffer.alloc(0), {
    decryptionKey: keys.hub,
    verificationKeys: senderKey.usable ? [senderKey.key] : [],
    maxPlaintextBytes: maxMessageBytes,
  });
  if (opened.ok) return { ...state, plaintext: Buffer.from(opened.plaintext) };
  const signatureFailure = SIGNATURE_FAILURES.has(opened.failure);
  const reason: RejectionReason =
    signatureFailure && !senderKey.usable
      ? { code: 'unknown-sender', message: senderKeyProblem(senderKey.problem, sender) }
      : {
          code: REJECTION_CODE[opened.failure],
          message: submissionProblem(opened.failure, {
            sender,
            hubFingerprint: keys.hubPublic.fingerprint,
            maxMessageBytes,
            expectedSigner: senderKey.usable ? senderKey.key.fingerprint : undefined,
            signerKeyIds: opened.signerKeyIds ?? [],
          }),
        };
  throw new SubmissionRejected(signatureFailure ? 'verify-signature' : 'decrypt', [reason], {
    senderVerified: false,
  });
};

/** Why a submission cannot be verified when its sender has no usable key. */
function senderKeyProblem(problem: KeyProblem, sender: Partner): string {
  switch (problem) {
    case 'sleutel-ontbreekt':
      return `no public key is registered for ${sender.id}`;
    case 'sleutel-niet-vastgelegd':
      return `the public key the hub holds for ${sender.id} is not the one the partner registry pins for ${sender.id}, so nothing is accepted as signed by ${sender.id}; have your key registered with the hub operator (samenloop partner register) and submit again`;
    case 'sleutel-verlopen':
      return `the public key registered for ${sender.id} has expired; register a renewed key with the hub operator and submit again`;
    case 'sleutel-ingetrokken':
      return `the public key registered for ${sender.id} was revoked; register a new key with the hub operator and submit again`;
    case 'sleutel-onbruikbaar':
      return `the public key registered for ${sender.id} cannot be used; register a usable key with the hub operator and submit again`;
  }
}

/**
 * Failures after the message decrypted: who signed is the question, so when the topic's owner has
 * no usable key, that is the answer the sender needs.
 */
const SIGNATURE_FAILURES: ReadonlySet<SubmissionFailure> = new Set([
  'no-signature',
  'unknown-signer',
  'unusable-signer-key',
  'bad-signature',
  'too-many-signatures',
]);

/** The rejection code a partner sees for each way a submission fails to open. */
const REJECTION_CODE = {
  'not-openpgp': 'not-encrypted',
  'not-encrypted': 'not-encrypted',
  'too-many-packets': 'undecryptable',
  'not-for-recipient': 'not-for-hub',
  undecryptable: 'undecryptable',
  'too-large': 'too-large',
  'too-many-signatures': 'invalid-signature',
  'no-signature': 'missing-signature',
  'unknown-signer': 'unknown-sender',
  'unusable-signer-key': 'invalid-signature',
  'bad-signature': 'invalid-signature',
} as const satisfies Record<SubmissionFailure, string>;

/**
 * What the sender must do when its submission does not open; the limits and the hub's key are
 * named, and for a signature that does not verify, the key the hub expected and the key ids that
 * signed, so the sender can see which key it used.
 */
function submissionProblem(
  failure: SubmissionFailure,
  {
    sender,
    hubFingerprint,
    maxMessageBytes,
    expectedSigner,
    signerKeyIds,
  }: {
    sender: Partner;
    hubFingerprint: string;
    maxMessageBytes: number;
    expectedSigner: string | undefined;
    signerKeyIds: readonly string[];
  },
): string {
  const expected =
    `the hub expected a signature by ${sender.id}'s registered key ${expectedSigner ?? '(none registered)'}` +
    (signerKeyIds.length > 0 ? ` and found one by key id ${signerKeyIds.join(', key id ')}` : '');
  const howTo = `sign with ${sender.id}'s registered key and encrypt to the hub's key in one OpenPGP message, e.g. \`gpg --sign --encrypt -r ${hubFingerprint}\` (binary or armored, compressed or not); the hub's public key is the hub operator's hub/public.asc, fingerprint ${hubFingerprint}`;
  switch (failure) {
    case 'not-openpgp':
      return `the value is not an OpenPGP message (cleartext submissions are not accepted): ${howTo}`;
    case 'not-encrypted':
      return `the OpenPGP message is not encrypted: ${howTo}`;
    case 'not-for-recipient':
      return `the message is not encrypted to the hub's key ${hubFingerprint}: ${howTo}`;
    case 'too-many-packets':
      return `the message has more than ${MAX_SUBMISSION_PACKETS} top-level packets (at most ${MAX_SUBMISSION_PACKETS - 1} recipients); none was decrypted: ${howTo}`;
    case 'undecryptable':
      return `the message is encrypted to the hub's key but does not decrypt to one intact signed message (damaged or malformed): ${howTo}`;
    case 'too-large':
      return `the decrypted (decompressed) submission is over ${maxMessageBytes} bytes, the hub's maximum; decompression stopped there`;
    case 'too-many-signatures':
      return `the message holds more than ${MAX_SUBMISSION_SIGNATURES} signatures; none was verified: sign once with ${sender.id}'s registered key`;
    case 'no-signature':
      return `the message is encrypted but not signed: ${howTo}`;
    case 'unknown-signer':
      return `the message is not signed by ${sender.id}'s registered key, whose topic this is (${expected}): ${howTo}`;
    case 'unusable-signer-key':
    case 'bad-signature':
      return `the signature is not a valid signature by ${sender.id}'s registered key over this message (${failure}; ${expected})`;
  }
}
