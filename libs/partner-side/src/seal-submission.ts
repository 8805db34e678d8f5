import { signAndEncrypt } from '@samenloop/crypto';
import type { PartnerKeys } from './partner-keys';

/** What the hub accepts: a submission signed by the partner and encrypted to the hub, in one OpenPGP message. */
export async function sealSubmission(
  text: string,
  keys: Pick<PartnerKeys, 'privateKey' | 'hubKey'>,
): Promise<Buffer> {
  return Buffer.from(
    await signAndEncrypt(Buffer.from(text), {
      signingKey: keys.privateKey,
      encryptionKeys: [keys.hubKey],
    }),
  );
}
