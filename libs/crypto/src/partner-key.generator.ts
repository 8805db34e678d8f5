import { generateKey } from 'openpgp';
import { fingerprintOf } from './keys';
import { HUB_OPENPGP_CONFIG } from './openpgp-config';

export interface GeneratedKeyPair {
  readonly privateKeyArmored: string;
  readonly publicKeyArmored: string;
  /** Upper-case hex, as GnuPG prints it. */
  readonly fingerprint: string;
}

/**
 * A development key pair that GnuPG 2.2 reads: v4, EdDSA (ed25519Legacy) primary key for
 * certifying and signing plus an ECDH curve25519Legacy subkey for encryption, no expiry and
 * no passphrase. Production keys come from the partners' and the hub's own key management.
 */
export async function generatePartnerKey({
  name,
  email,
}: {
  name: string;
  email: string;
}): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = await generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email }],
    format: 'object',
    config: HUB_OPENPGP_CONFIG,
  });
  return {
    privateKeyArmored: privateKey.armor(HUB_OPENPGP_CONFIG),
    publicKeyArmored: publicKey.armor(HUB_OPENPGP_CONFIG),
    fingerprint: fingerprintOf(publicKey),
  };
}
