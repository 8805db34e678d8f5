import {
  keyFiles,
  readKeyFile,
  readPrivateKey,
  readPublicKey,
  type PgpPrivateKey,
  type PgpPublicKey,
} from '@samenloop/crypto';

/** What the partner's side holds: its own private key, and the hub's public key to seal for and verify with. */
export interface PartnerKeys {
  readonly partnerId: string;
  readonly privateKey: PgpPrivateKey;
  /** The armored private key: only the partner holds it, so it doubles as the secret of its record keys. */
  readonly privateArmored: string;
  readonly hubKey: PgpPublicKey;
}

/** The partner's keys from a keys folder laid out as `samenloop keys generate` writes it. */
export async function readPartnerKeys(
  keysDirectory: string,
  partnerId: string,
): Promise<PartnerKeys> {
  const privateArmored = await readKeyFile(keyFiles.partnerPrivate(keysDirectory, partnerId));
  const hubArmored = await readKeyFile(keyFiles.hubPublic(keysDirectory));
  if (!privateArmored || !hubArmored) {
    throw new Error(
      `no keys for ${partnerId} in ${keysDirectory}; run: npx samenloop keys generate`,
    );
  }
  return {
    partnerId,
    privateKey: await readPrivateKey(privateArmored),
    privateArmored,
    hubKey: await readPublicKey(hubArmored),
  };
}
