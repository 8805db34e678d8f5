import { hubDocumentTypeOf } from '@samenloop/contracts';
import { newGatewayScenario } from '../support/gateway-scenario';
import {
  committedRecordCount,
  consumeUntil,
  produce,
  testKafka,
  type ConsumedRecord,
} from '../support/kafka-test-kit';
import { policeNumber, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const deliveries = (records: readonly ConsumedRecord[]) =>
  records.filter((record) => hubDocumentTypeOf(record.headers) === 'delivery');

describe('policy gateway restarts', () => {
  const kafka = testKafka();
  const running = runningHub();

  async function submitZorgmeldingen(count: number) {
    const messages = await Promise.all(
      Array.from({ length: count }, async () => {
        const nummer = policeNumber();
        const submission = submissionFrom(
          'zorgmelding/examples/valid/partnergeweld-met-kinderen.json',
          {
            sender: 'POLITIE-OB',
            zaakReferenties: { politieRegistratienummer: nummer },
          },
        );
        return running.scenario.partners.sealed('POLITIE-OB', submission, nummer);
      }),
    );
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), messages);
    return messages;
  }

  async function deliveredMessageIds(expected: number): Promise<string[]> {
    const records = await consumeUntil(
      kafka,
      running.scenario.topics.delivery('VT-ZOB'),
      (read) => deliveries(read).length >= expected,
    );
    return Promise.all(
      deliveries(records).map(
        async (record) =>
          (await running.scenario.partners.open<{ messageId: string }>(record, 'VT-ZOB')).messageId,
      ),
    );
  }

  it('loses and duplicates nothing, and keeps its case state, when killed mid-stream and restarted', async () => {
    running.scenario = await newGatewayScenario(kafka);
    const total = 400;
    const sent = await submitZorgmeldingen(total);
    running.gateway = await running.scenario.startGateway();
    await consumeUntil(
      kafka,
      running.scenario.topics.delivery('VT-ZOB'),
      (read) => deliveries(read).length >= 40,
    );
    await running.gateway.kill();
    const committedAtKill = await committedRecordCount(
      kafka,
      running.scenario.group,
      running.scenario.topics.inbound('POLITIE-OB'),
    );

    running.gateway = await running.scenario.startGateway();
    const delivered = await deliveredMessageIds(total);

    expect(committedAtKill).toBeLessThan(total);
    expect(delivered).toHaveLength(total);
    expect(new Set(delivered).size).toBe(total);
    // The restarted gateway rebuilt its case state: a message it accepted before the kill is a duplicate.
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), [sent[0]!]);
    const answers = await consumeUntil(
      kafka,
      running.scenario.topics.delivery('POLITIE-OB'),
      (read) => read.some((record) => hubDocumentTypeOf(record.headers) === 'rejection'),
    );
    const rejection = answers.find((record) => hubDocumentTypeOf(record.headers) === 'rejection')!;
    expect(await running.scenario.partners.open(rejection, 'POLITIE-OB')).toMatchObject({
      errors: [{ code: 'duplicate' }],
    });
  });

  it('finishes in-flight work, commits it and exits 0 on SIGTERM; its successor continues without gap or repeat', async () => {
    running.scenario = await newGatewayScenario(kafka);
    const total = 200;
    await submitZorgmeldingen(total);
    running.gateway = await running.scenario.startGateway();
    await consumeUntil(
      kafka,
      running.scenario.topics.delivery('VT-ZOB'),
      (read) => deliveries(read).length >= 20,
    );

    const exit = await running.gateway.terminate();
    const logs = running.gateway.logs;
    running.gateway = await running.scenario.startGateway();
    const delivered = await deliveredMessageIds(total);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(logs).toContain('"state":"stopped"');
    expect(delivered).toHaveLength(total);
    expect(new Set(delivered).size).toBe(total);
  });
});
