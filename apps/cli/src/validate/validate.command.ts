import { Option, type Command } from 'commander';
import { ContractValidator } from '@samenloop/contracts';
import { DOCUMENT_SCHEMAS, validateFile, type DocumentSchema } from './validate-file';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a message against the Samenloop schemas; prints OK (exit 0) or every error (exit 1).',
    )
    .argument(
      '<file>',
      'a JSON submission (CloudEvents envelope with payload) by default, or a CORV zorgmelding (.xml)',
    )
    .addOption(
      new Option('--schema <name>', 'validate a hub document instead of a submission').choices(
        DOCUMENT_SCHEMAS,
      ),
    )
    .action(async (file: string, options: { schema?: DocumentSchema }) => {
      const outcome = await validateFile(new ContractValidator(), file, options.schema);
      process.stdout.write(`${outcome.lines.join('\n')}\n`);
      process.exitCode = outcome.exitCode;
    });
}
