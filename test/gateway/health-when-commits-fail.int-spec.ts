import { hubDocumentTypeOf } from '@samenloop/contracts';
import type { GatewayProcess } from '../support/gateway-process';
import { newGatewayScenario } from '../support/gateway-scenario';
import {
  consumeUntil,
  createTopics,
  produce,
  readToEnd,
  testKafka,
  type ConsumedRecord,
} from '../support/kafka-test-kit';
import { policeNumber, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

interface HealthAnswer {
  readonly httpStatus: number;
  readonly body: { status?: string; reason?: string; since?: string };
}

const deliveries = (records: readonly ConsumedRecord[]) =>
  records.filter((record) => hubDocumentTypeOf(record.headers) === 'delivery');

/** Asks /health until `accept` holds; the timeout only bounds a test that would otherwise hang. */
async function healthUntil(
  gateway: GatewayProcess,
  accept: (answer: HealthAnswer) => boolean,
  timeoutMs = 120_000,
): Promise<HealthAnswer> {
  const url = /"health":"([^"]+)"/.exec(gateway.logs)?.[1];
  if (!url) throw new Error('the gateway did not log its health endpoint');
  const deadline = Date.now() + timeoutMs;
  let last: HealthAnswer | undefined;
  for (;;) {
    const response = await fetch(url);
    last = { httpStatus: response.status, body: (await response.json()) as HealthAnswer['body'] };
    if (accept(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`/health still answers ${JSON.stringify(last)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('gateway health while commits fail', () => {
  const kafka = testKafka();
  const running = runningHub();

  it('answers 503 naming the failing commit while the audit topic is gone, and 200 again once it is back, with the submission delivered once', async () => {
    const scenario = await newGatewayScenario(kafka);
    running.gateway = await scenario.startGateway();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [scenario.topics.audit] });
    } finally {
      await admin.disconnect();
    }
    const nummer = policeNumber();
    const submission = submissionFrom(
      'zorgmelding/examples/valid/partnergeweld-met-kinderen.json',
      { sender: 'POLITIE-OB', zaakReferenties: { politieRegistratienummer: nummer } },
    );
    await produce(kafka, scenario.topics.inbound('POLITIE-OB'), [
      await scenario.partners.sealed('POLITIE-OB', submission, nummer),
    ]);

    // kafkajs keeps retrying the send to the deleted topic: the transaction hangs, then counts as
    // stalled (30 s) and the pipeline names the topic it misses.
    const down = await healthUntil(
      running.gateway,
      (answer) =>
        answer.httpStatus === 503 && !!answer.body.reason?.includes(scenario.topics.audit),
    );
    await createTopics(kafka, scenario.topics.audit);
    const up = await healthUntil(running.gateway, (answer) => answer.httpStatus === 200);
    await consumeUntil(
      kafka,
      scenario.topics.delivery('VT-ZOB'),
      (read) => deliveries(read).length >= 1,
    );
    const delivered = await Promise.all(
      deliveries(await readToEnd(kafka, scenario.topics.delivery('VT-ZOB'))).map(
        async (record) =>
          (await scenario.partners.open<{ messageId: string }>(record, 'VT-ZOB')).messageId,
      ),
    );

    expect(down.body).toMatchObject({ status: 'unavailable' });
    expect(down.body.reason).toMatch(
      /^cannot commit: transaction failed: TransactionStalled: .*\(topics missing: [^)]*\)$/,
    );
    expect(Date.parse(down.body.since ?? '')).not.toBeNaN();
    expect(up.body).toMatchObject({ status: 'ok', state: 'running' });
    expect(delivered).toEqual([submission.id]);
  });
});
