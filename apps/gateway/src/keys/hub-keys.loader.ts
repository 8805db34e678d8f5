import {
  keyFiles,
  readKeyFile,
  readPrivateKey,
  readPublicKey,
  type PgpPublicKey,
} from '@samenloop/crypto';
import type { Logger } from '@samenloop/observability';
import type { PartnerRegistry } from '@samenloop/partners';
import type { HubKeys } from '../routing/hub-keys';

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
 * The hub's private key is required at start-up. Partner public keys are read once and kept; a
 * partner whose key is missing or unusable is reported (an alert) and looked up again on each use,
 * so registering its key later needs no restart. Until then nothing is delivered to it.
 */
export async function loadHubKeys(
  directory: string,
  registry: PartnerRegistry,
  logger: Logger,
): Promise<HubKeys> {
  const hubFile = keyFiles.hubPrivate(directory);
  const hubArmored = await readKeyFile(hubFile);
  if (hubArmored === undefined) throw new MissingKeysError([`no hub private key at ${hubFile}`]);
  let hub;
  try {
    hub = await readPrivateKey(hubArmored);
  } catch (error) {
    throw new MissingKeysError([
      `hub key ${hubFile}: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  const usable = new Map<string, PgpPublicKey>();
  const lookUp = async (partnerId: string): Promise<PgpPublicKey | undefined> => {
    const known = usable.get(partnerId);
    if (known) return known;
    if (!registry.get(partnerId)) return undefined;
    const file = keyFiles.partnerPublic(directory, partnerId);
    const armored = await readKeyFile(file);
    if (armored === undefined) return undefined;
    try {
      const key = await readPublicKey(armored);
      usable.set(partnerId, key);
      return key;
    } catch (error) {
      logger.error(
        {
          alert: 'unusable-partner-key',
          partner: partnerId,
          reason: error instanceof Error ? error.message : String(error),
        },
        'partner key unusable',
      );
      return undefined;
    }
  };
  for (const partner of registry.partners) {
    if (!(await lookUp(partner.id))) {
      logger.error(
        {
          alert: 'missing-partner-key',
          partner: partner.id,
          file: keyFiles.partnerPublic(directory, partner.id),
        },
        'no usable public key for partner: nothing is delivered to it until one is registered',
      );
    }
  }
  return { hub, partner: lookUp };
}
