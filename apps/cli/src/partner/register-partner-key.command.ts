import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PartnerRegistry } from '@samenloop/partners';
import { cliSettings, partnerKeysFileFor } from '../cli-settings';
import { describeRegistration, registerPartnerKey } from './register-partner-key';

/** `samenloop partner register`: the hub operator's step when a partner sends its public key. */
export function registerPartnerRegisterCommand(partner: Command): void {
  partner
    .command('register')
    .description(
      "Check a partner's public key, pin its fingerprint in the partner key pins and put it where the gateway reads it (no restart needed).",
    )
    .requiredOption('--id <partner>', 'partner id in the registry, e.g. VT-ZOB')
    .requiredOption('--key <file.asc>', "the partner's public key (gpg --export --armor)")
    .option('--replace', "unpin the partner's earlier keys instead of keeping them for an overlap")
    .option('--dir <dir>', 'key folder (default: SAMENLOOP_KEYS_DIR)')
    .option(
      '--pins <file>',
      'partner key pins (default: SAMENLOOP_PARTNER_KEYS_FILE, else partner-keys.yaml beside the key folder)',
    )
    .option('--partners <file>', 'partner registry (default: SAMENLOOP_PARTNERS_FILE)')
    .action(
      async (options: {
        id: string;
        key: string;
        replace?: boolean;
        dir?: string;
        pins?: string;
        partners?: string;
      }) => {
        const settings = cliSettings();
        const keysDirectory = path.resolve(options.dir ?? settings.keysDirectory);
        const partnersFile = path.resolve(options.partners ?? settings.partnersFile);
        const partnerKeysFile = path.resolve(
          options.pins ?? partnerKeysFileFor(settings, keysDirectory),
        );
        const registrySource = path.basename(partnersFile);
        const registered = await registerPartnerKey({
          partnerId: options.id,
          keyFile: path.resolve(options.key),
          registry: PartnerRegistry.fromYaml(readFileSync(partnersFile, 'utf8'), registrySource),
          registrySource,
          keysDirectory,
          partnerKeysFile,
          replace: options.replace ?? false,
        });
        process.stdout.write(describeRegistration(options.id, registered, partnerKeysFile));
      },
    );
}
