import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ensureTopics, partitionOffsets, readPartitions, topicNames } from '@samenloop/messaging';
import { readPartnerKeys } from '@samenloop/partner-side';
import type { ConnectorSettings } from '../../apps/connector/src/config/connector-settings';
import {
  CONNECTOR_KAFKA,
  CONNECTOR_SETTINGS,
  PARTNER_KEYS,
} from '../../apps/connector/src/connector.tokens';
import { connectorTopicSpecs } from '../../apps/connector/src/kafka/connector-kafka';
import { SubmissionsModule } from '../../apps/connector/src/submissions/submissions.module';
import { ZsmExtractHandler } from '../../apps/connector/src/zsm-extract/zsm-extract.handler';
import { ZsmExtractModule } from '../../apps/connector/src/zsm-extract/zsm-extract.module';
import { consumeUntil, testKafka, uniqueName } from '../support/kafka-test-kit';
import { PartnerKit, registry, ROOT } from '../support/partner-kit';

const POLITIE = 'POLITIE-OB';
const EXTRACT = readFileSync(
  path.join(ROOT, 'apps/connector/src/tabular/fixtures/oost-brabant.csv'),
);

/**
 * The ZSM adapter's memory on a real broker: what one connector sent is read back by the next
 * from the extract-rows topic, so a re-dropped extract submits nothing and a changed row one update.
 */
describe('ZSM extract memory', () => {
  const kafka = testKafka();
  let settings: ConnectorSettings;
  let partners: PartnerKit;
  const running: TestingModule[] = [];

  /** The connector's submitting side with the ZSM adapter, as the app module runs it. */
  const startAdapter = async () => {
    const keys = await readPartnerKeys(partners.keysDirectory, POLITIE);
    @Global()
    @Module({
      providers: [
        { provide: CONNECTOR_SETTINGS, useValue: settings },
        { provide: CONNECTOR_KAFKA, useValue: testKafka(uniqueName('zsm-connector')) },
        { provide: PARTNER_KEYS, useValue: keys },
      ],
      exports: [CONNECTOR_SETTINGS, CONNECTOR_KAFKA, PARTNER_KEYS],
    })
    class TestConnectorParts {}
    const moduleRef = await Test.createTestingModule({
      imports: [TestConnectorParts, SubmissionsModule, ZsmExtractModule],
    }).compile();
    moduleRef.useLogger(['error']);
    await moduleRef.init();
    running.push(moduleRef);
    return moduleRef.get(ZsmExtractHandler);
  };

  /** Committed records on a topic, as a read_committed consumer (the hub) sees them. */
  const committed = async (topic: string) => {
    const records: { key: string; value: string }[] = [];
    await readPartitions(kafka, {
      topic,
      ranges: (await partitionOffsets(kafka, topic)).map(({ partition, low, high }) => ({
        partition,
        from: low,
        to: high,
      })),
      timeoutMs: 30_000,
      each: (_partition, message) =>
        records.push({ key: String(message.key), value: String(message.value) }),
    });
    return records;
  };

  beforeAll(async () => {
    partners = await PartnerKit.create();
    const namespace = uniqueName('t').replace('.', '-');
    const topics = topicNames(namespace);
    settings = {
      partnerId: POLITIE,
      source: `urn:nld:oin:${registry.partners.find((p) => p.id === POLITIE)!.oin}`,
      topics,
      topicNamespace: namespace,
      files: {
        zsmExtract: {
          inbox: tmpdir(),
          columnMapFile: path.join(ROOT, 'deploy/zsm-kolommen/oost-brabant.yaml'),
          encoding: 'auto',
        },
      },
    } as unknown as ConnectorSettings;
    await ensureTopics(kafka, [
      { topic: topics.inbound(POLITIE) },
      ...connectorTopicSpecs(settings),
    ]);
  });

  afterEach(async () => {
    for (const moduleRef of running.splice(0)) await moduleRef.close();
  });

  it('is restored by a new connector, so a re-dropped extract submits nothing and a change one row', async () => {
    const topics = settings.topics;
    const first = await startAdapter();
    expect(await first.handle({ name: 'extract-1.csv', bytes: EXTRACT })).toMatchObject({
      status: 'processed',
      summary: { rows: 3, submitted: 3, unchanged: 0, rejected: 0 },
    });
    await running.pop()!.close();

    const restarted = await startAdapter();
    const again = await restarted.handle({ name: 'extract-2.csv', bytes: EXTRACT });
    const changed = await restarted.handle({
      name: 'extract-3.csv',
      bytes: Buffer.from(EXTRACT.toString('utf-8').replace(';Voorgeleid;', ';Afgedaan;')),
    });

    expect(again).toMatchObject({ summary: { rows: 3, submitted: 0, unchanged: 3 } });
    expect(changed).toMatchObject({ summary: { rows: 3, submitted: 1, unchanged: 2 } });
    // A commit's markers reach the partitions just after it returns: wait until all four show.
    await consumeUntil(kafka, topics.inbound(POLITIE), (records) => records.length >= 4);
    expect(await committed(topics.inbound(POLITIE))).toHaveLength(4);
    await consumeUntil(kafka, topics.connector(POLITIE).extractRows, (r) => r.length >= 4);
    const memory = await committed(topics.connector(POLITIE).extractRows);
    expect(memory).toHaveLength(4);
    // Keys and values name no case and no person: HMACs, ids and a time only.
    expect(JSON.stringify(memory)).not.toMatch(/ZSM-OB|999990|Dijk|GM0796/);
    expect(new Set(memory.map((record) => record.key)).size).toBe(3);
  });

  it('submits a 500-row extract once, its rows committed in groups, each with its memory record', async () => {
    const topics = settings.topics;
    const before = (await committed(topics.inbound(POLITIE))).length;
    const [header, ...rows] = EXTRACT.toString('utf-8').split('\r\n');
    const template = rows[0]!;
    const extract = [
      header,
      ...Array.from({ length: 500 }, (_, index) =>
        template.replace('ZSM-OB-2026-004301', `ZSM-OB-2026-${String(500_000 + index)}`),
      ),
    ].join('\r\n');
    const adapter = await startAdapter();

    const outcome = await adapter.handle({ name: 'extract-500.csv', bytes: Buffer.from(extract) });
    const again = await adapter.handle({ name: 'extract-500.csv', bytes: Buffer.from(extract) });

    expect(outcome).toMatchObject({ summary: { rows: 500, submitted: 500, rejected: 0 } });
    expect(again).toMatchObject({ summary: { rows: 500, submitted: 0, unchanged: 500 } });
    await consumeUntil(kafka, topics.inbound(POLITIE), (records) => records.length >= before + 500);
    expect(await committed(topics.inbound(POLITIE))).toHaveLength(before + 500);
    const memory = await committed(topics.connector(POLITIE).extractRows);
    const keys = new Set(memory.map((record) => record.key));
    expect(keys.size).toBe(3 + 500);
  });
});
