import {
  HubSecret,
  keyFiles,
  Pseudonyms,
  readKeyFile,
  readPrivateKey,
  readPublicKey,
  RecordMac,
  StateSeal,
} from '@samenloop/crypto';
import type { Logger } from '@samenloop/observability';
import type { PartnerRegistry } from '@samenloop/partners';
import type { HubKeys } from '../routing/hub-keys';
import { PartnerKeyFiles } from './partner-key-files';

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
 * The hub's private key and secret are required at start-up. Partner public keys are read from the keys
 * folder as they are at each use (see `PartnerKeyFiles`); a partner without a usable key is
 * reported now, and its deliveries wait until it has one.
 */
export async function loadHubKeys(
  directory: string,
  registry: PartnerRegistry,
  logger: Logger,
): Promise<HubKeys> {
  const hubFile = keyFiles.hubPrivate(directory);
  const secretFile = keyFiles.hubSecret(directory);
  const hubArmored = await readKeyFile(hubFile);
  const secret = await HubSecret.read(secretFile).catch((error: unknown) => {
    throw new MissingKeysError([error instanceof Error ? error.message : String(error)]);
  });
  const missing = [
    ...(hubArmored === undefined ? [`no hub private key at ${hubFile}`] : []),
    ...(secret === undefined ? [`no hub secret at ${secretFile}`] : []),
  ];
  if (hubArmored === undefined || secret === undefined) throw new MissingKeysError(missing);
  let hub;
  let hubPublic;
  try {
    hub = await readPrivateKey(hubArmored);
    hubPublic = await readPublicKey(hub.openpgpKey.toPublic().armor());
  } catch (error) {
    throw new MissingKeysError([
      `hub key ${hubFile}: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  const partners = new PartnerKeyFiles(directory, registry, logger);
  const now = new Date();
  for (const partner of registry.partners) await partners.state(partner.id, now);
  return {
    hub,
    hubPublic,
    pseudonyms: new Pseudonyms(secret),
    stateSeal: new StateSeal(secret),
    recordMac: new RecordMac(secret),
    partner: (partnerId, at) => partners.state(partnerId, at),
  };
}
