import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { newGatewayScenario } from '../support/gateway-scenario';
import { testKafka } from '../support/kafka-test-kit';
import { runningHub } from '../support/running-hub';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The named settings of each topic, as the broker reports them now. */
async function topicConfigs(
  kafka: Kafka,
  topics: readonly string[],
  names: readonly string[],
): Promise<Record<string, Record<string, string>>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: [...names],
      })),
    });
    return Object.fromEntries(
      resources.map((resource) => [
        resource.resourceName,
        Object.fromEntries(
          resource.configEntries.map((entry) => [entry.configName, entry.configValue]),
        ),
      ]),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every class of topic keeps its records as long as its purpose needs and no longer: set when the
 * gateway creates (or finds) the topic, and put back at start-up when someone changed it.
 */
describe('retention by purpose', () => {
  const kafka = testKafka();
  const running = runningHub();

  it('gives each topic class its retention at start-up, and puts back one that drifted', async () => {
    const scenario = await newGatewayScenario(kafka, {
      SAMENLOOP_RETENTION_INBOUND_HOURS: '5',
      SAMENLOOP_RETENTION_DELIVERIES_DAYS: '3',
      SAMENLOOP_RETENTION_AUDIT_DAYS: '400',
      SAMENLOOP_RETENTION_DEAD_LETTERS_DAYS: '9',
    });
    const { topics } = scenario;
    running.gateway = await scenario.startGateway();
    const classes = {
      [topics.inbound('VT-ZOB')]: { 'retention.ms': String(5 * HOUR_MS) },
      [topics.delivery('VT-ZOB')]: { 'retention.ms': String(3 * DAY_MS) },
      [topics.audit]: { 'retention.ms': String(400 * DAY_MS) },
      [topics.deadLetter]: { 'retention.ms': String(9 * DAY_MS) },
      // Kept until the operator releases them.
      [topics.parked]: { 'retention.ms': '-1' },
      // The latest state per key, for as long as it is current.
      [topics.caseState]: { 'cleanup.policy': 'compact' },
      [topics.waitingDeliveries]: { 'cleanup.policy': 'compact' },
    };
    const names = ['retention.ms', 'cleanup.policy'];

    const configured = await topicConfigs(kafka, Object.keys(classes), names);
    for (const [topic, expected] of Object.entries(classes))
      expect({ topic, ...configured[topic] }).toMatchObject({ topic, ...expected });
    expect(configured[topics.audit]!['cleanup.policy']).toBe('delete');

    // Someone shortens the audit trail to a week; the next start puts it back.
    const admin = kafka.admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topics.audit,
          configEntries: [{ name: 'retention.ms', value: String(7 * DAY_MS) }],
        },
      ],
    });
    await admin.disconnect();
    expect((await topicConfigs(kafka, [topics.audit], names))[topics.audit]).toMatchObject({
      'retention.ms': String(7 * DAY_MS),
    });
    await running.gateway.kill();
    running.gateway = await scenario.startGateway();

    expect((await topicConfigs(kafka, [topics.audit], names))[topics.audit]).toMatchObject({
      'retention.ms': String(400 * DAY_MS),
    });
  });
});
