import { enums } from 'openpgp';

/** The session ciphers the writer offers, most preferred first (the hub prefers AES-256). */
export const SESSION_CIPHERS = [
  { algorithm: enums.symmetric.aes256, keyLength: 32, cfb: 'aes-256-cfb' },
  { algorithm: enums.symmetric.aes128, keyLength: 16, cfb: 'aes-128-cfb' },
] as const;

export type SessionCipher = (typeof SESSION_CIPHERS)[number];

/**
 * The session ciphers a recipient accepts, from the preferences on its primary self-signature
 * (read once): a key that states none accepts any, as GnuPG and openpgp.js both read all of these.
 */
export function acceptedSessionCiphers(
  statedPreferences: readonly number[] | null | undefined,
): readonly SessionCipher[] {
  if (statedPreferences === null || statedPreferences === undefined) return SESSION_CIPHERS;
  return SESSION_CIPHERS.filter((cipher) => statedPreferences.includes(cipher.algorithm));
}

/** The most preferred cipher every recipient accepts, or undefined when they share none. */
export function commonSessionCipher(
  accepted: readonly (readonly SessionCipher[])[],
): SessionCipher | undefined {
  return SESSION_CIPHERS.find((cipher) => accepted.every((ciphers) => ciphers.includes(cipher)));
}
