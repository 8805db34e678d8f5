import { keyFiles, readKeyFile, readPublicKey, type GeneratedKeys } from '@samenloop/crypto';
import {
  pinFileInsideKeysFolder,
  pinPartnerKeys,
  readPartnerKeyPins,
  readPinFileText,
  type PartnerRegistry,
} from '@samenloop/partners';

/**
 * Pins the development keys `keys generate` made, so the gateway trusts them: every key created
 * now, and a key kept from an earlier run (one with its private key beside it, so made here) for
 * a partner that has no pin at all yet, as in a keys folder from before pins existed. Any other
 * key file is left for `samenloop partner register`. Returns the partner ids pinned now.
 */
export async function pinDevelopmentKeys(
  keysDirectory: string,
  partnerKeysFile: string,
  registry: PartnerRegistry,
  generated: GeneratedKeys,
): Promise<string[]> {
  if (pinFileInsideKeysFolder(partnerKeysFile, keysDirectory))
    throw new Error(
      `the partner key pins ${partnerKeysFile} must not be inside the keys folder ${keysDirectory}: set SAMENLOOP_PARTNER_KEYS_FILE (or --pins) to a file beside it`,
    );
  const pins = await readPartnerKeyPins(partnerKeysFile, registry);
  const toPin: Record<string, string> = { ...generated.createdPartnerKeys };
  for (const partner of registry.partners) {
    if (toPin[partner.id] !== undefined || pins.pinned(partner.id).length > 0) continue;
    const fingerprint = await keptDevelopmentKey(keysDirectory, partner.id);
    if (fingerprint !== undefined) toPin[partner.id] = fingerprint;
  }
  // Written also with nothing new to pin when there is no file yet: the gateway requires one.
  if (Object.keys(toPin).length > 0 || (await readPinFileText(partnerKeysFile)) === undefined)
    await pinPartnerKeys(partnerKeysFile, registry, toPin);
  return Object.keys(toPin);
}

async function keptDevelopmentKey(
  keysDirectory: string,
  partnerId: string,
): Promise<string | undefined> {
  if ((await readKeyFile(keyFiles.partnerPrivate(keysDirectory, partnerId))) === undefined)
    return undefined;
  const armored = await readKeyFile(keyFiles.partnerPublic(keysDirectory, partnerId));
  if (armored === undefined) return undefined;
  return readPublicKey(armored).then(
    (key) => key.fingerprint,
    () => undefined,
  );
}
