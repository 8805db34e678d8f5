import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { hubTransactionalId } from '@samenloop/messaging';
import { PartnerRegistry } from '@samenloop/partners';
import { cliSettings } from '../cli-settings';
import { cliKafka } from '../kafka/cli-kafka';
import { formatPlan, planAcls } from './acl-plan';
import { applyPlan, readAcls } from './broker-acls';

export function registerAclCommands(program: Command): void {
  program
    .command('acl')
    .description('Kafka ACLs on a secure cluster (hub operator, as the Kafka super user).')
    .command('apply')
    .description(
      'Make the broker grant exactly what the partner registry grants: each partner writes only its inbound topic and reads only its delivery topic, with groups and transactional ids under "<id>."; the hub and the operator tools get what they use. Prints the difference; idempotent.',
    )
    .option('--dry-run', 'print the difference without changing anything')
    .action(async (options: { dryRun?: boolean }) => {
      const settings = cliSettings();
      const registry = PartnerRegistry.fromYaml(
        readFileSync(settings.partnersFile, 'utf8'),
        path.basename(settings.partnersFile),
      );
      const admin = cliKafka(settings, 'samenloop-acl').admin();
      await admin.connect();
      try {
        const plan = planAcls(
          {
            topicNamespace: settings.topicNamespace,
            partnerIds: registry.partners.map((partner) => partner.id),
            hub: {
              consumerGroup: settings.hub.consumerGroup,
              transactionalId: hubTransactionalId(settings.hub.consumerGroup),
            },
          },
          await readAcls(admin),
        );
        if (!options.dryRun) await applyPlan(admin, plan);
        process.stdout.write(formatPlan(plan, !options.dryRun));
      } catch (error) {
        throw new Error(
          `acl apply failed: ${error instanceof Error ? error.message : String(error)}. Run it as the Kafka super user (KAFKA_SASL_USERNAME=admin) against a broker with an authorizer.`,
          { cause: error },
        );
      } finally {
        await admin.disconnect();
      }
    });
}
