import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { cliSettings } from '../cli-settings';
import { AccessRequests } from './access-requests';
import { formatDeliveries, subjectQuery } from './who-received';

interface WhoReceivedOptions {
  readonly bsn?: string;
  readonly name?: string;
  readonly birthdate?: string;
  readonly purpose?: string;
  readonly askedBy?: string;
  readonly keysDir?: string;
  readonly json?: boolean;
}

export function registerWhoReceivedCommand(audit: Command): void {
  audit
    .command('who-received')
    .description(
      'Every delivery of data about one person: when, to whom, which message and paths, on which rules, purposes and legal bases (an access request, AVG art. 15). The query is itself audited, by pseudonym.',
    )
    .option('--bsn <bsn>', 'the person’s BSN')
    .option(
      '--name <name>',
      'full name as recorded (first names, prefix, surname), with --birthdate',
    )
    .option('--birthdate <date>', 'birth date, YYYY-MM-DD, with --name')
    .option('--purpose <why>', 'why you search (e.g. the request’s number); kept in the audit')
    .option('--asked-by <account>', 'who asks, as kept in the audit (default: your OS account)')
    .option(
      '--keys-dir <dir>',
      'the hub’s key folder, with hub/secret.key (default: SAMENLOOP_KEYS_DIR, else ~/.local/state/samenloop/keys)',
    )
    .option('--json', 'print the deliveries as JSON')
    .action(async (options: WhoReceivedOptions) => {
      const query = subjectQuery(options);
      const settings = cliSettings();
      const answer = await new AccessRequests({
        ...settings,
        keysDirectory: options.keysDir ? path.resolve(options.keysDir) : settings.keysDirectory,
      }).whoReceived(query, options.askedBy ?? operatorAccount());
      process.stdout.write(
        options.json
          ? `${JSON.stringify(answer.deliveries, null, 2)}\n`
          : formatDeliveries(answer.deliveries),
      );
    });
}

/** The OS account, for the audit; some containers run as a user without a name. */
function operatorAccount(): string {
  try {
    return os.userInfo().username;
  } catch {
    throw new Error('cannot tell which account you use: say who asks with --asked-by <account>');
  }
}
