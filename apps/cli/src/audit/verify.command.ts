import type { Command } from 'commander';
import { topicNames } from '@samenloop/messaging';
import { cliSettings } from '../cli-settings';
import { cliKafka } from '../kafka/cli-kafka';
import { describeVerification, verifyAuditTopic } from './audit-verification';

/** The exit code when the chain is broken; 1 stays for a verification that could not run. */
const CHAIN_BROKEN_EXIT_CODE = 2;

export function registerAuditVerify(audit: Command): void {
  audit
    .command('verify')
    .description(
      'Walk every partition of the audit topic from the beginning and recompute its hash chain; report per partition the records checked and the first break (offsets only). Exits 2 on a break.',
    )
    .option(
      '--topic <name>',
      'verify this topic instead of the hub audit topic (e.g. an archived copy)',
    )
    .action(async (options: { topic?: string }) => {
      const settings = cliSettings();
      const kafka = cliKafka(settings, 'samenloop-audit-verify');
      const topic = options.topic ?? topicNames(settings.topicNamespace).audit;
      const results = await verifyAuditTopic(kafka, topic);
      const broken = results.some((result) => result.firstBreak);
      process.stdout.write(
        `${[`${topic}: ${broken ? 'chain BROKEN' : 'chain intact'}`, ...results.map(describeVerification)].join('\n')}\n`,
      );
      if (broken) process.exitCode = CHAIN_BROKEN_EXIT_CODE;
    });
}
