import { createHash } from 'node:crypto';
import { DEAD_LETTER_HEADERS, recordBytes } from '@samenloop/messaging';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { consumeUntil, produce, testKafka } from '../support/kafka-test-kit';
import { policeNumber, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const LIMIT = 64 * 1024;
const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';

/**
 * Sizes agree end to end, on a real broker: the inbound topic takes no more than the gateway's
 * limit, every record up to it is answered, and a record larger than the limit (written after
 * someone raised the topic's limit) is dead-lettered within what the dead-letter topic accepts.
 */
describe('record sizes at the gateway on a real broker', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');

  /**
   * A sealed zorgmelding whose whole record (key, encrypted value, headers) is exactly `bytes` long, padded in
   * a JSON field the schema refuses, so a record within the limit is answered on its content.
   */
  async function recordOf(bytes: number) {
    const police = policeNumber();
    const submission = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: police },
    });
    let pad = 0;
    for (;;) {
      // One key for all: one partition, so the answers come in the order the records were sent.
      const record = await running.scenario.partners.sealed(
        'POLITIE-OB',
        { ...submission, pad: 'x'.repeat(pad) },
        'grenzen',
      );
      const size = recordBytes({ ...record, key: Buffer.from(record.key) });
      if (size === bytes) return record;
      if (size > bytes && pad === 0)
        throw new Error(`a sealed zorgmelding is larger than ${bytes} bytes`);
      pad = Math.max(0, pad + bytes - size);
    }
  }

  it('answers every record at and around the limit, refuses what the topic does not take, and stays healthy', async () => {
    running.scenario = await newGatewayScenario(kafka, {
      GATEWAY_MAX_MESSAGE_BYTES: String(LIMIT),
    });
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, [
      'POLITIE-OB',
      'VT-ZOB',
    ]);
    running.gateway = await running.scenario.startGateway();
    const admin = kafka.admin();
    await admin.connect();
    const inbound = running.scenario.topics.inbound('POLITIE-OB');
    const configOf = async (topic: string) => {
      const [resource] = (
        await admin.describeConfigs({
          resources: [{ type: 2, name: topic, configNames: ['max.message.bytes'] }],
          includeSynonyms: false,
        })
      ).resources;
      return Number(resource?.configEntries[0]?.configValue);
    };
    // The topic takes no record the gateway would refuse for its size.
    expect(await configOf(inbound)).toBe(LIMIT);
    await expect(produce(kafka, inbound, [await recordOf(LIMIT + 1024)])).rejects.toThrow(
      /too large|RecordTooLarge|MESSAGE_TOO_LARGE|larger than/i,
    );

    // Someone raises the topic's limit: a larger record reaches the gateway, and is still answered.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2,
          name: inbound,
          configEntries: [{ name: 'max.message.bytes', value: '4000000' }],
        },
      ],
    });
    // The boundaries: one byte under the limit, at it, one over it, and beyond the broker's default.
    const records = [
      await recordOf(LIMIT - 1),
      await recordOf(LIMIT),
      await recordOf(LIMIT + 1),
      await recordOf(3_000_000),
    ];
    for (const record of records) await produce(kafka, inbound, [record]);
    const answered = await running.watcher.until(() => {
      const answers = running.watcher!.all('POLITIE-OB');
      return answers.length >= records.length ? answers : undefined;
    }, 'an answer to every record');
    // The records within the limit are judged on its content (the pad is no field of a zorgmelding).
    expect(answered.map((answer) => answer.type)).toEqual(records.map(() => 'rejection'));
    const codes = answered.map(
      (answer) => (answer.document.errors as { code: string }[] | undefined)?.[0]?.code,
    );
    expect(codes).toEqual(['invalid-envelope', 'invalid-envelope', 'too-large', 'too-large']);

    // The dead letter of the oversized record names it by hash, size and offsets, within its topic.
    const deadLetters = await consumeUntil(
      kafka,
      running.scenario.topics.deadLetter,
      (read) => read.length >= records.length,
    );
    const huge = deadLetters.find(
      (record) =>
        record.headers[DEAD_LETTER_HEADERS.originalSize] === String(records[3]!.value.length),
    );
    expect(huge).toBeDefined();
    expect(huge!.bytes?.length ?? 0).toBe(0);
    expect(huge!.headers[DEAD_LETTER_HEADERS.originalSha256]).toBe(
      createHash('sha256').update(records[3]!.value).digest('hex'),
    );
    expect(huge!.headers[DEAD_LETTER_HEADERS.sourceOffset]).toMatch(/^[0-9]+$/);

    // Restart: the gateway puts the inbound topic's limit back, and a valid submission goes through.
    await running.gateway.kill();
    running.gateway = await running.scenario.startGateway();
    expect(await configOf(inbound)).toBe(LIMIT);
    const police = policeNumber();
    const valid = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: police },
    });
    await produce(kafka, inbound, [
      await running.scenario.partners.sealed('POLITIE-OB', valid, police),
    ]);
    await running.watcher.until(
      () =>
        running.watcher!.deliveries('VT-ZOB', 'zorgmelding').find((d) => d.messageId === valid.id),
      'the valid zorgmelding at VT-ZOB',
    );
    await admin.disconnect();
  });
});
