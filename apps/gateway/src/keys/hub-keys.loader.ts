import {
  keyFiles,
  readKeyFile,
  readPrivateKey,
  readPublicKey,
  type PgpPublicKey,
} from '@samenloop/crypto';
import type { PartnerRegistry } from '@samenloop/partners';
import type { HubKeys } from '../submissions/hub-keys';

export class MissingKeysError extends Error {
  readonly retriable = false;
  constructor(readonly problems: readonly string[]) {
    super(
      `The gateway cannot start without its keys:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n` +
        'For development keys run: npx samenloop keys generate',
    );
    this.name = 'MissingKeysError';
  }
}

/**
 * Reads the hub's private key and every registered partner's public key, once. A partner without
 * a usable key would receive nothing or, worse, something in clear, so start-up refuses.
 */
export async function loadHubKeys(directory: string, registry: PartnerRegistry): Promise<HubKeys> {
  const problems: string[] = [];
  const hubFile = keyFiles.hubPrivate(directory);
  const hubArmored = await readKeyFile(hubFile);
  const hub =
    hubArmored === undefined
      ? undefined
      : await readPrivateKey(hubArmored).catch(
          (error: Error) => void problems.push(`hub key ${hubFile}: ${error.message}`),
        );
  if (hubArmored === undefined) problems.push(`no hub private key at ${hubFile}`);
  const partners = new Map<string, PgpPublicKey>();
  for (const partner of registry.partners) {
    const file = keyFiles.partnerPublic(directory, partner.id);
    const armored = await readKeyFile(file);
    if (armored === undefined) {
      problems.push(`no public key for ${partner.id} at ${file}`);
      continue;
    }
    try {
      partners.set(partner.id, await readPublicKey(armored));
    } catch (error) {
      problems.push(
        `public key of ${partner.id} at ${file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (problems.length > 0 || !hub) throw new MissingKeysError(problems);
  return { hub, partners };
}
