import path from 'node:path';
import type { Command } from 'commander';
import { policyExplain, policyTest } from './policy-commands';
import type { CommandOutcome } from '../validate/validate-file';

function print(outcome: CommandOutcome): void {
  process.stdout.write(`${outcome.lines.join('\n')}\n`);
  process.exitCode = outcome.exitCode;
}

export function registerPolicyCommands(program: Command): void {
  const policy = program
    .command('policy')
    .description(
      'Check and explain the need-to-know policy (deploy/policies) for regional policy owners.',
    )
    .option(
      '--deploy <dir>',
      'folder with partners/ and policies/',
      path.resolve(process.cwd(), 'deploy'),
    );
  policy
    .command('test')
    .description('Run policy test files; prints each result and exits 1 on any failure.')
    .argument('[dir]', 'folder of policy test files (default: <deploy>/policies/tests)')
    .action((dir: string | undefined) =>
      print(policyTest(policy.opts<{ deploy: string }>().deploy, dir)),
    );
  policy
    .command('explain')
    .description(
      'Per field of a message: the rule that lets it through to a recipient, or why it is withheld.',
    )
    .argument('<message>', 'a submission JSON file')
    .requiredOption('--recipient <partner>', 'partner id, e.g. VT-ZOB')
    .option(
      '--case <files...>',
      "the case thread's earlier messages in order (submission JSON files, or a YAML case file listing them): replayed as the gateway would, so the answer is the hub's in that case",
    )
    .option(
      '--stage <stage>',
      'judge the message alone, on the facts it states, at this stage (instead of --case)',
    )
    .action((message: string, options: { recipient: string; stage?: string; case?: string[] }) =>
      print(
        policyExplain(policy.opts<{ deploy: string }>().deploy, message, options.recipient, {
          ...(options.stage !== undefined ? { stage: options.stage } : {}),
          ...(options.case !== undefined ? { case: options.case } : {}),
        }),
      ),
    );
}
