import { groupedFingerprint, keyFiles, readKeyFile, readPublicKey } from '@samenloop/crypto';

/**
 * The hub's fingerprint as a partner verifies it out of band (by phone, in a signed letter):
 * grouped as `gpg --fingerprint` prints it, and compact for `gpg --recipient`.
 */
export async function describeHubFingerprint(keysDirectory: string): Promise<string> {
  const file = keyFiles.hubPublic(keysDirectory);
  const armored = await readKeyFile(file);
  if (armored === undefined)
    throw new Error(
      `no hub public key at ${file}: run this where the hub's keys are (SAMENLOOP_KEYS_DIR or --dir); development: npx samenloop keys generate`,
    );
  const key = await readPublicKey(armored);
  return [
    `hub key ${file}`,
    `  fingerprint  ${groupedFingerprint(key.fingerprint)}`,
    `  compact      ${key.fingerprint}`,
    'Partners compare it with what `gpg --fingerprint <compact>` shows after importing the hub key.',
    '',
  ].join('\n');
}
