import type { Command } from 'commander';
import { cliSettings } from '../cli-settings';
import { PartnerClient } from './partner-client';
import { receiveReport } from './receive-report';
import { registerPartnerRegisterCommand } from './register-partner-key.command';

export function registerPartnerCommands(program: Command): void {
  const partner = program
    .command('partner')
    .description('Act as a partner system (development and demonstrations).');
  partner
    .command('send')
    .description(
      "Sign a submission with the partner's key and submit it on the partner's inbound topic.",
    )
    .requiredOption('--as <partner>', 'partner id, e.g. POLITIE-OB')
    .option('--fresh-id', 'give the envelope a new id (to send an example file again)')
    .argument('<message>', 'a submission JSON file')
    .action(async (message: string, options: { as: string; freshId?: boolean }) => {
      const client = await PartnerClient.open(cliSettings(), options.as);
      const sent = await client.send(message, { freshId: options.freshId });
      process.stdout.write(`sent ${sent.messageId} as ${options.as} on ${sent.topic}\n`);
    });
  partner
    .command('receive')
    .description(
      "Receive and decrypt what arrived on the partner's delivery topic since the last receive. " +
        "Shows only documents the hub's signature verifies, each once; reports every other record by its offset.",
    )
    .requiredOption('--as <partner>', 'partner id, e.g. VT-ZOB')
    .option(
      '--json',
      'print the decrypted documents as JSON; refused records go to stderr as JSON, without content',
    )
    .option('--idle <seconds>', 'stop after this many quiet seconds', '3')
    .action(async (options: { as: string; json?: boolean; idle: string }) => {
      const client = await PartnerClient.open(cliSettings(), options.as);
      const received = await client.receive({ idleMs: Number(options.idle) * 1000, maxMs: 60_000 });
      const report = receiveReport(options.as, received, options.json === true);
      process.stdout.write(report.stdout);
      process.stderr.write(report.stderr);
    });
  registerPartnerRegisterCommand(partner);
}
