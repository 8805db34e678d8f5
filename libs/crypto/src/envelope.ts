import {
  createMessage,
  decrypt,
  encrypt,
  generateSessionKey,
  readMessage,
  type Message,
} from 'openpgp';
import { DecryptionError, EnvelopeError } from './errors';
import {
  explainFailure,
  nativeEncryptionAt,
  nativeSignerAt,
  requireUse,
  type PgpPrivateKey,
  type PgpPublicKey,
} from './keys';
import { commonSessionCipher, writeSignedAndEncrypted } from './native-writer';
import { HUB_OPENPGP_CONFIG } from './openpgp-config';
import { asBytes, classifyPgpInput } from './pgp-input';
import { checkSignatures, type SignatureFailure } from './signature-check';

export interface SignAndEncryptOptions {
  /**
   * The sender's key: the hub's for a delivery, a partner's for a submission to the hub. The
   * message carries its signature inside the encryption.
   */
  readonly signingKey: PgpPrivateKey;
  /** Exactly the recipients of this message; nobody else (not even its signer) can decrypt it. */
  readonly encryptionKeys: readonly [PgpPublicKey, ...PgpPublicKey[]];
}

/**
 * One binary OpenPGP message: `plaintext` signed by `signingKey`, then encrypted once for all
 * `encryptionKeys` (one encryption for every recipient of the same projection is the cheap path).
 * Written natively from the key material derived when the keys were read; a key that has expired
 * since is refused with `UnusableKeyError` (kind 'expired').
 */
export async function signAndEncrypt(
  plaintext: Uint8Array,
  { signingKey, encryptionKeys }: SignAndEncryptOptions,
): Promise<Uint8Array> {
  const now = new Date();
  const signer = nativeSignerAt(signingKey, now);
  const recipients = encryptionKeys.map((key) => nativeEncryptionAt(key, now));
  if (recipients.length === 0) {
    throw new EnvelopeError('a delivery needs at least one recipient');
  }
  const cipher = commonSessionCipher(recipients.map(({ sessionCiphers }) => sessionCiphers));
  if (cipher === undefined) {
    throw new EnvelopeError(
      `recipients ${encryptionKeys.map((key) => key.fingerprint).join(', ')} share no session cipher (AES-256 or AES-128)`,
    );
  }
  // Synchronous and cheap (well under a millisecond for a delivery): no thread pool hop.
  return Promise.resolve(
    writeSignedAndEncrypted(plaintext, {
      signer,
      recipients: recipients.map(({ recipient }) => recipient),
      cipher,
      now,
    }),
  );
}

/**
 * The same message written by openpgp.js: the reference the native writer is measured against.
 */
export async function signAndEncryptWithOpenpgp(
  plaintext: Uint8Array,
  { signingKey, encryptionKeys }: SignAndEncryptOptions,
): Promise<Uint8Array> {
  requireUse(signingKey, 'sign');
  for (const key of encryptionKeys) {
    requireUse(key, 'encrypt');
  }
  if (encryptionKeys.length === 0) {
    throw new EnvelopeError('a delivery needs at least one recipient');
  }
  const recipients = encryptionKeys.map((key) => key.openpgpKey);
  let message: unknown;
  try {
    // openpgp 6 chooses SEIPDv2 (AEAD) whenever all recipients' keys advertise it, whatever
    // `aeadProtect` says; GnuPG 2.2 cannot read SEIPDv2. A session key without an AEAD algorithm
    // makes it write SEIPDv1 with MDC, keeping the symmetric algorithm the recipients prefer.
    const { data, algorithm } = await generateSessionKey({
      encryptionKeys: recipients,
      config: HUB_OPENPGP_CONFIG,
    });
    message = await encrypt({
      message: await createMessage({ binary: plaintext }),
      encryptionKeys: recipients,
      signingKeys: signingKey.openpgpKey,
      sessionKey: { data, algorithm },
      format: 'binary',
      config: HUB_OPENPGP_CONFIG,
    });
  } catch (error) {
    throw await explainFailure(error, 'signing and encrypting', [
      [signingKey, 'sign'],
      ...encryptionKeys.map((key) => [key, 'encrypt'] as const),
    ]);
  }
  return asBytes(message);
}

export interface DecryptAndVerifyOptions {
  readonly decryptionKey: PgpPrivateKey;
  /** The keys the sender may sign with; a signature by any other key is `unknown-signer`. */
  readonly verificationKeys: readonly PgpPublicKey[];
}

export type DecryptedMessage = { readonly plaintext: Uint8Array } & (
  | { readonly signatureValid: true; readonly signingKeyFingerprint: string }
  | { readonly signatureValid: false; readonly signatureFailure: SignatureFailure }
);

/**
 * Decrypts an OpenPGP message (binary, or armored as string or bytes) and checks its signature.
 * Throws `DecryptionError` when it is not an encrypted message for `decryptionKey` or does not
 * decrypt intact; a missing or bad signature is reported, not thrown, so the caller decides.
 */
export async function decryptAndVerify(
  encrypted: Uint8Array | string,
  { decryptionKey, verificationKeys }: DecryptAndVerifyOptions,
): Promise<DecryptedMessage> {
  requireUse(decryptionKey, 'decrypt');
  for (const key of verificationKeys) {
    requireUse(key, 'verify');
  }
  const message = await parseMessage(encrypted);
  const recipientKeyIds = message.getEncryptionKeyIDs();
  if (recipientKeyIds.length === 0) {
    throw new DecryptionError('the message is not encrypted to a public key');
  }
  const ownKeyIds = decryptionKey.openpgpKey.getKeyIDs();
  // `equals(…, true)` also matches a wildcard (anonymous-recipient) key id.
  if (!recipientKeyIds.some((id) => ownKeyIds.some((own) => own.equals(id, true)))) {
    throw new DecryptionError(`the message is not encrypted to key ${decryptionKey.fingerprint}`);
  }
  let result: { data: unknown; signatures: Parameters<typeof checkSignatures>[0] };
  try {
    result = await decrypt({
      message,
      decryptionKeys: decryptionKey.openpgpKey,
      verificationKeys: verificationKeys.map((key) => key.openpgpKey),
      format: 'binary',
      config: HUB_OPENPGP_CONFIG,
    });
  } catch (error) {
    throw new DecryptionError(
      `the message could not be decrypted with key ${decryptionKey.fingerprint}`,
      { cause: error },
    );
  }
  const plaintext = asBytes(result.data);
  const check = await checkSignatures(result.signatures, verificationKeys);
  return check.valid
    ? { plaintext, signatureValid: true, signingKeyFingerprint: check.signingKeyFingerprint }
    : { plaintext, signatureValid: false, signatureFailure: check.reason };
}

async function parseMessage(input: Uint8Array | string): Promise<Message<Uint8Array | string>> {
  try {
    const source = classifyPgpInput(input);
    return 'armored' in source
      ? await readMessage({ armoredMessage: source.armored, config: HUB_OPENPGP_CONFIG })
      : await readMessage({ binaryMessage: source.binary, config: HUB_OPENPGP_CONFIG });
  } catch (error) {
    throw new DecryptionError('the input is not an OpenPGP message', { cause: error });
  }
}
