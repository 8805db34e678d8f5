import { readFile } from 'node:fs/promises';
import {
  HubSecret,
  keyFiles,
  LockedKeyError,
  Pseudonyms,
  readKeyFile,
  readPrivateKey,
  readPublicKey,
  RecordMac,
  StateSeal,
  type PgpPrivateKey,
} from '@samenloop/crypto';
import { StartupError } from '@samenloop/errors';
import type { Logger } from '@samenloop/observability';
import type { PartnerRegistry } from '@samenloop/partners';
import type { GatewayConfig, HubKeyPassphraseSource } from '../config/gateway-config';
import type { HubKeys } from './hub-keys';
import { PartnerKeyFiles } from './partner-key-files';
import { PartnerKeyPinsReader, PinFileProblem } from './partner-key-pins.reader';

export class MissingKeysError extends StartupError {
  constructor(problems: readonly string[]) {
    super('The gateway cannot start without its keys', problems, {
      hint: 'For development keys run: npx samenloop keys generate',
    });
  }
}

/** The settings the hub's keys are loaded from. */
export type KeySettings = Pick<
  GatewayConfig,
  'keysDirectory' | 'partnerKeysFile' | 'hubKeyPassphrase'
>;

/**
 * The hub's private key and secret and the partner key pins are required at start-up. Partner
 * public keys and pins are read as they are at each use (see `PartnerKeyFiles`); a partner
 * without a usable key is reported now, and its deliveries wait until it has one.
 */
export async function loadHubKeys(
  settings: KeySettings,
  registry: PartnerRegistry,
  logger: Logger,
): Promise<HubKeys> {
  const directory = settings.keysDirectory;
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
  const hub = await unlockHubKey(hubArmored, hubFile, settings.hubKeyPassphrase);
  let hubPublic;
  try {
    hubPublic = await readPublicKey(hub.openpgpKey.toPublic().armor());
  } catch (error) {
    throw new MissingKeysError([`hub key ${hubFile}: ${messageOf(error)}`]);
  }
  const pins = await PartnerKeyPinsReader.open(settings.partnerKeysFile, registry, logger).catch(
    (error: unknown) => {
      throw error instanceof PinFileProblem ? new MissingKeysError([error.message]) : error;
    },
  );
  const partners = new PartnerKeyFiles(directory, () => pins.current(), registry, logger);
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

/** Reads the hub's private key, unlocking it when protected; errors name the setting, never the passphrase. */
async function unlockHubKey(
  armored: string,
  hubFile: string,
  source: HubKeyPassphraseSource | undefined,
): Promise<PgpPrivateKey> {
  const passphrase = await passphraseFrom(source);
  try {
    return await readPrivateKey(armored, { passphrase });
  } catch (error) {
    if (error instanceof LockedKeyError && !error.passphraseGiven)
      throw new MissingKeysError([
        `hub key ${hubFile} (${error.fingerprint}) is passphrase-protected: set SAMENLOOP_HUB_KEY_PASSPHRASE_FILE to a file holding its passphrase (or SAMENLOOP_HUB_KEY_PASSPHRASE)`,
      ]);
    if (error instanceof LockedKeyError)
      throw new MissingKeysError([
        `the passphrase from ${describe(source)} does not unlock hub key ${hubFile} (${error.fingerprint}): set it to the key's passphrase`,
      ]);
    throw new MissingKeysError([`hub key ${hubFile}: ${messageOf(error)}`]);
  }
}

async function passphraseFrom(
  source: HubKeyPassphraseSource | undefined,
): Promise<string | undefined> {
  if (source === undefined) return undefined;
  if (source.setting === 'SAMENLOOP_HUB_KEY_PASSPHRASE') return source.passphrase();
  try {
    // A file written by `echo` or an editor ends in a newline that is no part of the passphrase.
    return (await readFile(source.file, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    throw new MissingKeysError([
      `SAMENLOOP_HUB_KEY_PASSPHRASE_FILE: cannot read ${source.file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    ]);
  }
}

function describe(source: HubKeyPassphraseSource | undefined): string {
  return source?.setting === 'SAMENLOOP_HUB_KEY_PASSPHRASE_FILE'
    ? `SAMENLOOP_HUB_KEY_PASSPHRASE_FILE (${source.file})`
    : 'SAMENLOOP_HUB_KEY_PASSPHRASE';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
