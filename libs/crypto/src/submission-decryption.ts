import { enums, readMessage, type Message } from 'openpgp';
import { requireUse, type PgpPrivateKey, type PgpPublicKey } from './keys';
import { openOwnProfile } from './native-reader';
import { HUB_OPENPGP_CONFIG } from './openpgp-config';
import { classifyPgpInput, isEmptyPgpInput } from './pgp-input';
import { checkSignatures, type SignatureCheck, type SignatureFailure } from './signature-check';

/**
 * The most top-level packets a submission may have: its session-key packets (one per recipient:
 * the hub, perhaps the sender's own key and a few more) and the one encrypted-data packet.
 * Every session-key packet naming the hub's key costs a public-key decryption, so the count is
 * checked after parsing (cheap: the encrypted data stays opaque) and before any decryption.
 */
export const MAX_SUBMISSION_PACKETS = 8;

/**
 * The most signature packets inside a submission: one per key, with room for a partner signing
 * with its old and new key while a key is rotated. Each one by a registered key costs a hash over
 * the whole plaintext, so the count is checked before any is verified.
 */
export const MAX_SUBMISSION_SIGNATURES = 4;

/**
 * Room for what a compressed packet holds besides the plaintext: the literal-data header and the
 * one-pass and signature packets. The decompressor stops at the plaintext limit plus this.
 */
const PACKET_FRAMING_BYTES = 16 * 1024;

const ENCRYPTED_DATA_PACKETS = [
  enums.packet.symmetricallyEncryptedData,
  enums.packet.symEncryptedIntegrityProtectedData,
  enums.packet.aeadEncryptedData,
] as const;

/**
 * Why a submission could not be opened; codes, never quotes from the data.
 * - `not-openpgp`: the bytes are no OpenPGP message at all (e.g. cleartext JSON).
 * - `not-encrypted`: an OpenPGP message without encrypted data (e.g. only signed).
 * - `too-many-packets`: more top-level packets than `MAX_SUBMISSION_PACKETS`; nothing decrypted.
 * - `not-for-recipient`: encrypted, but not to the decryption key.
 * - `undecryptable`: encrypted to the key, but it does not decrypt to one intact message.
 * - `too-large`: the plaintext (after decompression) is over the limit; decompression stopped there.
 * - `too-many-signatures`: more than `MAX_SUBMISSION_SIGNATURES`; none verified.
 * - a `SignatureFailure`: decrypted, but not validly signed by one of the verification keys.
 */
export type SubmissionFailure =
  | 'not-openpgp'
  | 'not-encrypted'
  | 'too-many-packets'
  | 'not-for-recipient'
  | 'undecryptable'
  | 'too-large'
  | 'too-many-signatures'
  | SignatureFailure;

export type DecryptedSubmission =
  | { readonly ok: true; readonly plaintext: Uint8Array; readonly signingKeyFingerprint: string }
  | {
      readonly ok: false;
      readonly failure: SubmissionFailure;
      /** For a signature failure: the key ids the signatures claim, upper-case hex. */
      readonly signerKeyIds?: readonly string[];
    };

export interface DecryptSubmissionOptions {
  readonly decryptionKey: PgpPrivateKey;
  /** The keys the sender may sign with; none: any signature is `unknown-signer`. */
  readonly verificationKeys: readonly PgpPublicKey[];
  /** The largest plaintext accepted; a compressed message is decompressed no further than this. */
  readonly maxPlaintextBytes: number;
}

/**
 * Opens what a partner submits: one OpenPGP message (binary or armored), encrypted to
 * `decryptionKey` and signed inside by the sender, compressed or not — what
 * `gpg --sign --encrypt -r <hub>` makes. Never throws on bad input: every failure is a code. The
 * input's size is the caller's to cap; packet and signature counts and the plaintext size are
 * capped here, each before the work it would multiply.
 */
export async function decryptSubmission(
  input: Uint8Array | string,
  options: DecryptSubmissionOptions,
): Promise<DecryptedSubmission> {
  const { decryptionKey, verificationKeys, maxPlaintextBytes } = options;
  requireUse(decryptionKey, 'decrypt');
  for (const key of verificationKeys) requireUse(key, 'verify');
  // What the hub's own writer made (partners' connectors) opens natively; all else, and anything
  // that fails a check there, is read by openpgp.js, which decides and names the reason.
  if (!isEmptyPgpInput(input)) {
    const source = classifyPgpInput(input);
    const opened =
      'binary' in source
        ? openOwnProfile(
            Buffer.from(source.binary.buffer, source.binary.byteOffset, source.binary.byteLength),
            {
              decryptionKey,
              verificationKeys,
              maxPlaintextBytes,
              maxPackets: MAX_SUBMISSION_PACKETS,
              now: new Date(),
            },
          )
        : undefined;
    if (opened) return { ok: true, ...opened };
  }
  return decryptSubmissionWithOpenpgp(input, options);
}

/** `decryptSubmission` by openpgp.js alone: the reader of everything not in the writer's profile. */
export async function decryptSubmissionWithOpenpgp(
  input: Uint8Array | string,
  { decryptionKey, verificationKeys, maxPlaintextBytes }: DecryptSubmissionOptions,
): Promise<DecryptedSubmission> {
  requireUse(decryptionKey, 'decrypt');
  for (const key of verificationKeys) requireUse(key, 'verify');
  const config = {
    ...HUB_OPENPGP_CONFIG,
    // openpgp.js counts decompressed bytes as they stream out of zlib and stops at the limit, so a
    // decompression bomb is refused without ever holding its output.
    maxDecompressedMessageSize: maxPlaintextBytes + PACKET_FRAMING_BYTES,
  };
  if (isEmptyPgpInput(input)) return failed('not-openpgp');
  const source = classifyPgpInput(input);
  let message: Message<Uint8Array | string>;
  try {
    message =
      'armored' in source
        ? await readMessage({ armoredMessage: source.armored, config })
        : await readMessage({ binaryMessage: source.binary, config });
  } catch {
    return failed('not-openpgp');
  }
  if (message.packets.length > MAX_SUBMISSION_PACKETS) return failed('too-many-packets');
  if (message.packets.filterByTag(...ENCRYPTED_DATA_PACKETS).length === 0)
    return failed('not-encrypted');
  const ownKeyIds = decryptionKey.openpgpKey.getKeyIDs();
  // `equals(…, true)` also matches a wildcard (anonymous-recipient) key id.
  const forRecipient = message
    .getEncryptionKeyIDs()
    .some((id) => ownKeyIds.some((own) => own.equals(id, true)));
  if (!forRecipient) return failed('not-for-recipient');

  let decrypted: Message<Uint8Array>;
  try {
    // Not streamed: the input is whole bytes, so is the result (openpgp.js types it as maybe-stream).
    decrypted = (await message.decrypt(
      [decryptionKey.openpgpKey],
      undefined,
      undefined,
      new Date(),
      config,
    )) as Message<Uint8Array>;
  } catch (error) {
    return failed(isDecompressionLimit(error) ? 'too-large' : 'undecryptable');
  }
  const inner = decrypted.unwrapCompressed().packets;
  if (inner.filterByTag(enums.packet.literalData).length !== 1) return failed('undecryptable');
  const plaintext: unknown = decrypted.getLiteralData();
  if (!(plaintext instanceof Uint8Array)) return failed('undecryptable');
  if (plaintext.byteLength > maxPlaintextBytes) return failed('too-large');
  if (
    inner.filterByTag(enums.packet.signature).length > MAX_SUBMISSION_SIGNATURES ||
    inner.filterByTag(enums.packet.onePassSignature).length > MAX_SUBMISSION_SIGNATURES
  )
    return failed('too-many-signatures');
  let check: SignatureCheck;
  try {
    const verifications = await decrypted.verify(
      verificationKeys.map((key) => key.openpgpKey),
      new Date(),
      config,
    );
    check = await checkSignatures(verifications, verificationKeys);
  } catch {
    return failed('bad-signature');
  }
  if (!check.valid) return { ok: false, failure: check.reason, signerKeyIds: check.signerKeyIds };
  return { ok: true, plaintext, signingKeyFingerprint: check.signingKeyFingerprint };
}

function failed(failure: SubmissionFailure): DecryptedSubmission {
  return { ok: false, failure };
}

/** openpgp.js says so only in its message; the decompression-bomb test pins it. */
function isDecompressionLimit(error: unknown): boolean {
  return error instanceof Error && /decompressed message size exceeded/i.test(error.message);
}
