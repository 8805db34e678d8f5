import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { generateDevelopmentKeys } from '@samenloop/crypto';
import { PartnerRegistry } from '@samenloop/partners';
import { cliSettings, partnerKeysFileFor } from '../cli-settings';
import { pinDevelopmentKeys } from './development-key-pins';
import { describeHubFingerprint } from './hub-fingerprint';

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('Manage OpenPGP keys.');
  keys
    .command('generate')
    .description(
      'Development only: create keys for the hub and every partner in the registry that has none yet, and pin the partner keys it creates.',
    )
    .option(
      '--dir <dir>',
      'key folder (default: SAMENLOOP_KEYS_DIR, else ~/.local/state/samenloop/keys)',
    )
    .option(
      '--partners <file>',
      'partner registry',
      path.resolve('deploy/partners/oost-brabant.yaml'),
    )
    .option(
      '--pins <file>',
      'partner key pins (default: SAMENLOOP_PARTNER_KEYS_FILE, else partner-keys.yaml beside the key folder)',
    )
    .action(async (options: { dir?: string; partners: string; pins?: string }) => {
      const settings = cliSettings();
      const directory = options.dir ?? settings.keysDirectory;
      const registry = PartnerRegistry.fromYaml(
        readFileSync(options.partners, 'utf8'),
        path.basename(options.partners),
      );
      const pinsFile = path.resolve(options.pins ?? partnerKeysFileFor(settings, directory));
      const result = await generateDevelopmentKeys(
        directory,
        registry.partners.map((partner) => partner.id),
      );
      const pinned = await pinDevelopmentKeys(directory, pinsFile, registry, result);
      process.stdout.write(
        `keys in ${directory}: created ${result.created.join(', ') || 'none'}; kept ${result.kept.join(', ') || 'none'}\n` +
          `partner key pins ${pinsFile}: pinned ${pinned.join(', ') || 'none new'}\n`,
      );
    });
  keys
    .command('fingerprint')
    .description("Print the hub key's fingerprint, for partners to verify it out of band.")
    .option(
      '--dir <dir>',
      'key folder (default: SAMENLOOP_KEYS_DIR, else ~/.local/state/samenloop/keys)',
    )
    .action(async (options: { dir?: string }) => {
      const directory = options.dir ?? cliSettings().keysDirectory;
      process.stdout.write(await describeHubFingerprint(path.resolve(directory)));
    });
}
