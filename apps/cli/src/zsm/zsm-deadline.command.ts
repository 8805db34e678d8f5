import { inDutchTime, zsmDeadline } from '@samenloop/case';
import type { Command } from 'commander';

export function registerZsmDeadlineCommand(program: Command): void {
  program
    .command('zsm-deadline')
    .description(
      'Print when the ZSM decision is due (Sv art. 61: 9 hours, or 6; 00:00-09:00 does not count).',
    )
    .requiredOption(
      '--arrested <time>',
      'time of arrest, ISO 8601 with offset, e.g. 2026-11-23T22:00:00+01:00',
    )
    .option('--no-pretrial-detention', 'the offence does not allow pre-trial detention (6 hours)')
    .action((options: { arrested: string; pretrialDetention: boolean }) => {
      const arrested = new Date(options.arrested);
      if (
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(options.arrested) ||
        Number.isNaN(arrested.getTime())
      ) {
        process.stderr.write(
          '--arrested must be an ISO 8601 time with offset, e.g. 2026-11-23T22:00:00+01:00\n',
        );
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${inDutchTime(zsmDeadline(arrested, options.pretrialDetention))}\n`);
    });
}
