/**
 * Base for the envelope's errors. None is retriable: the same key and the same bytes give the same
 * result every time, so a failed record belongs in the dead letters, not back in the queue.
 * Messages name keys by fingerprint and say what is wrong; they never quote message content.
 */
export abstract class CryptoError extends Error {
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input is not an OpenPGP key (bad armor, not a key packet, a private key where a public one belongs, …). */
export class MalformedKeyError extends CryptoError {}

/** Why a key cannot be used: the two that happen to a good key over time, and everything else. */
export type KeyProblemKind = 'revoked' | 'expired' | 'unusable';

/** The key parses but cannot do what it is needed for: expired, revoked, v6, missing a capability. */
export class UnusableKeyError extends CryptoError {
  constructor(
    /** Upper-case hex, as GnuPG prints it. */
    readonly fingerprint: string,
    /** Why, in a few words: `is revoked`, `has no valid encryption subkey`, … */
    readonly reason: string,
    options?: { cause?: unknown },
    readonly kind: KeyProblemKind = 'unusable',
  ) {
    super(`OpenPGP key ${fingerprint} ${reason}`, options);
  }
}

/**
 * A passphrase-protected private key that could not be unlocked: none was given, or the one given
 * is wrong. Its own class, so a caller can name the setting the passphrase comes from.
 */
export class LockedKeyError extends UnusableKeyError {
  constructor(
    fingerprint: string,
    readonly passphraseGiven: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      fingerprint,
      passphraseGiven
        ? 'could not be unlocked with the given passphrase'
        : 'is passphrase-protected and no passphrase was given',
      options,
    );
  }
}

/** The message is not an encrypted OpenPGP message for this key, or it does not decrypt intact. */
export class DecryptionError extends CryptoError {}

/** openpgp.js failed to sign or encrypt for a reason the keys do not explain. */
export class EnvelopeError extends CryptoError {}
