import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { generateDevelopmentKeys } from '@samenloop/crypto';
import { PartnerRegistry } from '@samenloop/partners';
import { cliSettings } from '../cli-settings';

export function registerKeysCommands(program: Command): void {
  program
    .command('keys')
    .description('Manage OpenPGP keys.')
    .command('generate')
    .description(
      'Create development keys for the hub and every partner in the registry that has none yet.',
    )
    .option(
      '--dir <dir>',
      'key folder (default: SAMENLOOP_KEYS_DIR, else ~/.local/state/samenloop/keys)',
      cliSettings().keysDirectory,
    )
    .option(
      '--partners <file>',
      'partner registry',
      path.resolve('deploy/partners/oost-brabant.yaml'),
    )
    .action(async (options: { dir: string; partners: string }) => {
      const registry = PartnerRegistry.fromYaml(
        readFileSync(options.partners, 'utf8'),
        path.basename(options.partners),
      );
      const result = await generateDevelopmentKeys(
        options.dir,
        registry.partners.map((partner) => partner.id),
      );
      process.stdout.write(
        `keys in ${options.dir}: created ${result.created.join(', ') || 'none'}; kept ${result.kept.join(', ') || 'none'}\n`,
      );
    });
}
