import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ConnectorApiClient } from '@samenloop/partner-side';
import { PartnerRegistry } from '@samenloop/partners';
import { cliSettings } from '../cli-settings';
import { ConnectorPartner } from './connector-partner';
import { freshCaseReferences } from './fresh-case-references';
import {
  PartnerClient,
  describeReceived,
  describeRefused,
  type Received,
  type ReceivedDocument,
} from './partner-client';

/** What the demo needs of a partner, on Kafka (`PartnerClient`) or through its connector's HTTP API. */
type DemoPartner = Pick<ConnectorPartner, 'send' | 'receive'>;

/** A partner on Kafka, as the demo uses it: each file with a fresh message id. */
function onKafka(client: PartnerClient): DemoPartner {
  return {
    send: (file, rewrite) => client.send(file, { freshId: true, rewrite }),
    receive: (options) => client.receive(options),
  };
}

/**
 * `samenloop demo [dir]`: sends each submission in the folder as the partner its `source` names,
 * waits for the sender's receipt, then shows what every partner received. A partner named with
 * `--connector` sends and receives through its connector's HTTP API instead of Kafka.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Send the demo case through the running hub and show what each partner received.')
    .argument(
      '[dir]',
      'folder of submission files, sent in name order',
      path.resolve('deploy/demo'),
    )
    .option(
      '--partners <file>',
      'partner registry',
      path.resolve('deploy/partners/oost-brabant.yaml'),
    )
    .option(
      '--connector <PARTNER=url>',
      "send and receive as this partner through its connector's HTTP API (repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--connector-tls <dir>',
      'development TLS of the connectors: <dir>/<PARTNER>/ as deploy/local/connector-tls.sh makes it',
      path.resolve('.samenloop/connector-tls'),
    )
    .action(
      async (
        dir: string,
        options: { partners: string; connector: string[]; connectorTls: string },
      ) => {
        const registry = PartnerRegistry.fromYaml(
          readFileSync(options.partners, 'utf8'),
          path.basename(options.partners),
        );
        const settings = cliSettings();
        const connectors = new Map(
          options.connector.map((named) => {
            const [id, url] = named.split(/=(.*)/s);
            if (!id || !url || !registry.get(id))
              throw new Error(
                `--connector ${named}: expected <PARTNER>=<https url> with a partner of the registry`,
              );
            return [id, url] as const;
          }),
        );
        const clients = new Map<string, DemoPartner>();
        for (const partner of registry.partners) {
          const url = connectors.get(partner.id);
          clients.set(
            partner.id,
            url
              ? new ConnectorPartner(
                  ConnectorApiClient.withDevelopmentTls(
                    url,
                    path.join(options.connectorTls, partner.id),
                  ),
                )
              : onKafka(await PartnerClient.open(settings, partner.id)),
          );
        }
        const out = (line: string) => process.stdout.write(`${line}\n`);
        const deliveries = new Map<string, ReceivedDocument[]>();
        const collect = (id: string, { documents, refused }: Received) => {
          for (const record of refused) out(`  ${id} ✗ ${describeRefused(record)}`);
          deliveries.set(id, [
            ...(deliveries.get(id) ?? []),
            ...documents.filter((item) => item.type === 'delivery'),
          ]);
          return documents.filter((item) => item.type !== 'delivery');
        };
        // Earlier deliveries (of an earlier start) are read away first, so the summary shows this run.
        for (const client of clients.values())
          await client.receive({ idleMs: 1_500, maxMs: 30_000 });
        const files = readdirSync(dir)
          .filter((name) => name.endsWith('.json'))
          .sort();
        // Each run is a case of its own: the same references would join the threads of earlier runs.
        const rewrite = freshCaseReferences(
          files.map((file) => readFileSync(path.join(dir, file), 'utf8')),
        );
        for (const file of files) {
          const source = (
            JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { source: string }
          ).source;
          const sender = registry.bySource(source);
          if (!sender) throw new Error(`${file}: its source names no partner in the registry`);
          const sent = await clients.get(sender.id)!.send(path.join(dir, file), rewrite);
          const how = connectors.has(sender.id) ? ' through its connector' : '';
          out(`\n${sender.id} sends ${file}${how} (${sent.messageId})`);
          const answers = await clients.get(sender.id)!.receive({ idleMs: 2_000, maxMs: 30_000 });
          for (const answer of collect(sender.id, answers))
            out(`  ${sender.id} ← ${describeReceived(answer)}`);
        }
        out('\nWhat each partner received:');
        for (const [id, client] of clients) {
          collect(id, await client.receive({ idleMs: 1_500, maxMs: 30_000 }));
          const received = deliveries.get(id) ?? [];
          out(
            received.length === 0
              ? `  ${id}: nothing`
              : received.map((item) => `  ${id} ← ${describeReceived(item)}`).join('\n'),
          );
        }
      },
    );
}
