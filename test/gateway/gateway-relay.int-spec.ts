import type { Kafka } from 'kafkajs';
import { GatewayProcess } from '../support/gateway-process';
import {
  committedRecordCount,
  consumeUntil,
  createTopics,
  produce,
  testKafka,
  uniqueName,
} from '../support/kafka-test-kit';

interface Scenario {
  readonly inbound: string;
  readonly outbound: string;
  readonly group: string;
  readonly settings: Record<string, string>;
}

async function newScenario(kafka: Kafka): Promise<Scenario> {
  const inbound = uniqueName('test.in');
  const outbound = uniqueName('test.out');
  const deadLetter = uniqueName('test.deadletter');
  const group = uniqueName('test-gateway');
  await createTopics(kafka, inbound, outbound, deadLetter);
  return {
    inbound,
    outbound,
    group,
    settings: {
      GATEWAY_INBOUND_TOPIC: inbound,
      GATEWAY_OUTBOUND_TOPIC: outbound,
      GATEWAY_DEAD_LETTER_TOPIC: deadLetter,
      GATEWAY_CONSUMER_GROUP: group,
      // The broker's minimum, so a killed gateway's partitions move on quickly.
      GATEWAY_SESSION_TIMEOUT_MS: '6000',
      GATEWAY_INSTANCE_ID: uniqueName('gw').replace('.', '-'),
    },
  };
}

function numberedMessages(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    key: `case-${index % 17}`,
    value: JSON.stringify({ sequence: index }),
    headers: { ce_id: `message-${index}` },
  }));
}

function sequencesOf(records: readonly { value: string | null }[]): number[] {
  return records.map(
    (record) => (JSON.parse(record.value ?? '{}') as { sequence: number }).sequence,
  );
}

describe('gateway process on a real broker', () => {
  const kafka = testKafka();
  let gateway: GatewayProcess | undefined;

  afterEach(async () => {
    await gateway?.kill();
    gateway = undefined;
  });

  it('relays a record from the inbound topic to the outbound topic with its key and headers', async () => {
    const scenario = await newScenario(kafka);
    gateway = await GatewayProcess.create(scenario.settings);
    await gateway.start();

    await produce(kafka, scenario.inbound, [
      {
        key: 'case-42',
        value: '{"hello":"samenloop"}',
        headers: { ce_id: 'message-1', traceparent: '00-abc-def-01' },
      },
    ]);

    const [relayed] = await consumeUntil(
      kafka,
      scenario.outbound,
      (records) => records.length >= 1,
    );
    expect(relayed).toMatchObject({
      key: 'case-42',
      value: '{"hello":"samenloop"}',
      headers: { ce_id: 'message-1', traceparent: '00-abc-def-01' },
    });
  });

  it('loses and duplicates nothing when the gateway is killed mid-stream and restarted', async () => {
    const scenario = await newScenario(kafka);
    const total = 2_000;
    await produce(kafka, scenario.inbound, numberedMessages(total));

    gateway = await GatewayProcess.create(scenario.settings);
    await gateway.start();
    // Kill it once it is visibly part-way through the stream.
    const beforeKill = await consumeUntil(
      kafka,
      scenario.outbound,
      (records) => records.length >= 200,
    );
    await gateway.kill();
    const committedBeforeKill = await committedRecordCount(kafka, scenario.group, scenario.inbound);

    gateway = await GatewayProcess.create(scenario.settings);
    await gateway.start();
    const relayed = await consumeUntil(
      kafka,
      scenario.outbound,
      (records) => records.length >= total,
    );

    expect(beforeKill.length).toBeGreaterThanOrEqual(200);
    expect(committedBeforeKill).toBeLessThan(total);
    const sequences = sequencesOf(relayed);
    expect(new Set(sequences).size).toBe(total);
    expect(sequences).toHaveLength(total);
  });

  it('keeps per-case order across a kill and restart', async () => {
    const scenario = await newScenario(kafka);
    const total = 600;
    await produce(kafka, scenario.inbound, numberedMessages(total));

    gateway = await GatewayProcess.create(scenario.settings);
    await gateway.start();
    await consumeUntil(kafka, scenario.outbound, (records) => records.length >= 100);
    await gateway.kill();
    gateway = await GatewayProcess.create(scenario.settings);
    await gateway.start();
    const relayed = await consumeUntil(
      kafka,
      scenario.outbound,
      (records) => records.length >= total,
    );

    const byCase = new Map<string, number[]>();
    for (const record of relayed) {
      const sequences = byCase.get(record.key ?? '') ?? [];
      sequences.push(...sequencesOf([record]));
      byCase.set(record.key ?? '', sequences);
    }
    for (const sequences of byCase.values()) {
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    }
  });

  it('finishes in-flight records and commits their offsets on SIGTERM', async () => {
    const scenario = await newScenario(kafka);
    const total = 1_000;
    await produce(kafka, scenario.inbound, numberedMessages(total));

    gateway = await GatewayProcess.create(scenario.settings);
    await gateway.start();
    const seenBeforeStop = await consumeUntil(
      kafka,
      scenario.outbound,
      (records) => records.length >= 100,
    );
    const exit = await gateway.terminate();
    const logs = gateway.logs;
    const committedAtStop = await committedRecordCount(kafka, scenario.group, scenario.inbound);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(logs).toContain('"state":"stopped"');
    expect(committedAtStop).toBeGreaterThanOrEqual(seenBeforeStop.length);

    // The successor starts exactly where the stopped gateway left off: no gap, no repeat.
    gateway = await GatewayProcess.create(scenario.settings);
    await gateway.start();
    const relayed = await consumeUntil(
      kafka,
      scenario.outbound,
      (records) => records.length >= total,
    );
    expect(new Set(sequencesOf(relayed)).size).toBe(total);
  });
});
