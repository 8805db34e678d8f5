import { createHash } from 'node:crypto';
import { renameSync } from 'node:fs';
import {
  CLOUDEVENTS_HEADERS,
  CONTENT_TYPE_HEADER,
  PGP_ENCRYPTED,
  hubDocumentTypeOf,
} from '@samenloop/contracts';
import { keyFiles } from '@samenloop/crypto';
import { DEAD_LETTER_HEADERS } from '@samenloop/messaging';
import { verifyAuditTopic } from '../../apps/cli/src/audit/audit-verification';
import { decisionAudits } from '../support/audit-trail';
import { newGatewayScenario } from '../support/gateway-scenario';
import {
  committedRecordCount,
  consumeUntil,
  produce,
  readToEnd,
  testKafka,
  whenAnswering,
  type ConsumedRecord,
} from '../support/kafka-test-kit';
import { restartableBroker } from '../support/local-broker-control';
import { policeNumber, registry, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

/**
 * Fault injection on a real broker, each fault in the middle of a stream of zorgmeldingen. Every
 * run ends with the same proof: each submission delivered to VT-ZOB exactly once, encrypted, with a
 * complete audit trail, and every bad record in the dead-letter topic with its context.
 */
const SUBMISSIONS = Number(process.env.SAMENLOOP_FAULT_SUBMISSIONS ?? 10_000);
const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
/** A name from the fixture's payload: it must never be readable on a delivery topic. */
const PLAINTEXT_MARKER = 'Hoogstraat';
const AUDITS_PER_MESSAGE = registry.partners.length - 1;

jest.setTimeout(30 * 60_000);

interface Sent {
  readonly ids: string[];
  readonly records: { key: string; value: Buffer; headers: Record<string, Buffer> }[];
}

describe(`faults in the middle of ${SUBMISSIONS} submissions`, () => {
  const kafka = testKafka('samenloop-fault-test');
  const running = runningHub();

  async function zorgmeldingen(count: number): Promise<Sent> {
    const sent: Sent = { ids: [], records: [] };
    for (let index = 0; index < count; index++) {
      const nummer = policeNumber();
      const submission = submissionFrom(ZORGMELDING, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: nummer },
      });
      sent.ids.push(submission.id);
      sent.records.push(await running.scenario.partners.sealed('POLITIE-OB', submission, nummer));
    }
    return sent;
  }

  const deliveriesAmong = (records: readonly ConsumedRecord[]) =>
    records.filter((record) => hubDocumentTypeOf(record.headers) === 'delivery');

  /** Waits until the first `count` deliveries reach VT-ZOB: the moment to strike. */
  const deliveredAtLeast = (count: number) =>
    consumeUntil(
      kafka,
      running.scenario.topics.delivery('VT-ZOB'),
      (read) => deliveriesAmong(read).length >= count,
      10 * 60_000,
    );

  /** Waits until the gateway has committed `inbound` records of the police's inbound topic. */
  async function allCommitted(fault: string, inbound: number): Promise<void> {
    const deadline = Date.now() + 20 * 60_000;
    const committed = () =>
      whenAnswering(() =>
        committedRecordCount(
          kafka,
          running.scenario.group,
          running.scenario.topics.inbound('POLITIE-OB'),
        ),
      );
    while ((await committed()) < inbound) {
      if (Date.now() > deadline) throw new Error(`${fault}: inbound not all committed in time`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Waits until the gateway has committed every inbound record, then checks the whole outcome. */
  async function expectEachDeliveredOnce(fault: string, sent: Sent, badRecords = 0): Promise<void> {
    await allCommitted(fault, sent.records.length + badRecords);
    // Verified before readToEnd writes its (unchained) end markers into the audit's partitions.
    const chain = await verifyAuditTopic(kafka, running.scenario.topics.audit);
    const deliveries = deliveriesAmong(
      await readToEnd(kafka, running.scenario.topics.delivery('VT-ZOB')),
    );
    const audits = decisionAudits(await readToEnd(kafka, running.scenario.topics.audit));
    const chained = chain.reduce((sum, partition) => sum + partition.verified, 0);
    const deadLetters = await readToEnd(kafka, running.scenario.topics.deadLetter);
    const toVt = audits.filter((audit) => audit.recipient === 'VT-ZOB');
    process.stdout.write(
      `${fault}: ${sent.ids.length} submitted, ${deliveries.length} delivered to VT-ZOB (${new Set(deliveries.map((d) => d.headers[CLOUDEVENTS_HEADERS.id])).size} distinct), ${audits.length} audit records (${chained} chained and verified), ${deadLetters.length} dead letters\n`,
    );

    expect(deliveries).toHaveLength(sent.ids.length);
    expect(
      new Set(deliveries.map((delivery) => delivery.headers[CLOUDEVENTS_HEADERS.id])).size,
    ).toBe(sent.ids.length);
    for (const delivery of deliveries) {
      expect(delivery.headers[CONTENT_TYPE_HEADER]).toBe(PGP_ENCRYPTED);
      expect(delivery.bytes?.includes(PLAINTEXT_MARKER)).toBe(false);
    }
    // The audit trail: one decision per message and partner, and VT-ZOB's name its deliveries.
    expect(audits).toHaveLength(sent.ids.length * AUDITS_PER_MESSAGE);
    // The audit's hash chains held through the fault: every record in them, none broken.
    expect(
      chain.filter((partition) => partition.firstBreak || partition.unchainedBefore > 0),
    ).toEqual([]);
    expect(chained).toBeGreaterThanOrEqual(audits.length);
    expect(toVt.map((audit) => audit.messageId).sort()).toEqual([...sent.ids].sort());
    expect(toVt.map((audit) => audit.deliveryId).sort()).toEqual(
      deliveries.map((delivery) => delivery.headers[CLOUDEVENTS_HEADERS.id]).sort(),
    );
    expect(deadLetters).toHaveLength(badRecords);
    // A sample opens for VT-ZOB and names a submission that was sent.
    const sample = await Promise.all(
      deliveries
        .slice(0, 20)
        .map((record) => running.scenario.partners.open<{ messageId: string }>(record, 'VT-ZOB')),
    );
    for (const document of sample) expect(sent.ids).toContain(document.messageId);
  }

  it('loses and repeats nothing when the gateway is killed with SIGKILL and restarted', async () => {
    running.scenario = await newGatewayScenario(kafka);
    const sent = await zorgmeldingen(SUBMISSIONS);
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), sent.records);
    running.gateway = await running.scenario.startGateway();
    await deliveredAtLeast(SUBMISSIONS / 4);
    await running.gateway.kill();
    running.gateway = await running.scenario.startGateway();

    await expectEachDeliveredOnce('SIGKILL of the gateway', sent);
  });

  it('keeps the deliveries to a recipient without a key waiting, sends it nothing in clear, and delivers all once its key is added', async () => {
    running.scenario = await newGatewayScenario(kafka);
    const sent = await zorgmeldingen(SUBMISSIONS);
    const keyFile = keyFiles.partnerPublic(running.scenario.partners.keysDirectory, 'VT-ZOB');
    renameSync(keyFile, `${keyFile}.withheld`);
    running.gateway = await running.scenario.startGateway();
    const mark = running.gateway.logs.length;
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), sent.records);
    await running.gateway.logged(
      /"alert":"delivery-waiting-for-key","partner":"VT-ZOB"/,
      mark,
      120_000,
    );
    // Every submission is answered meanwhile: the missing key holds no partition.
    await allCommitted('VT-ZOB key missing', sent.records.length);
    expect(
      deliveriesAmong(await readToEnd(kafka, running.scenario.topics.delivery('VT-ZOB'))),
    ).toEqual([]);
    // Registered while the gateway runs: no restart needed; the next tick releases the backlog.
    renameSync(`${keyFile}.withheld`, keyFile);
    await running.scenario.tick();
    await deliveredAtLeast(SUBMISSIONS);

    await expectEachDeliveredOnce('VT-ZOB key missing, then added', sent);
  });

  it('dead-letters poison records with their context and delivers everything around them', async () => {
    running.scenario = await newGatewayScenario(kafka);
    const sent = await zorgmeldingen(SUBMISSIONS);
    const half = SUBMISSIONS / 2;
    const [genuine] = sent.records;
    // The genuine message with one bit changed in its last bytes (the integrity check's).
    const tampered = Buffer.from(genuine!.value);
    tampered[tampered.length - 3]! ^= 0x01;
    const unsigned = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: policeNumber() },
    });
    const poison = [
      // In clear, and not even JSON.
      { key: 'poison-1', value: Buffer.from('{"this is": not json'), headers: {} },
      // Encrypted to the hub, but not signed.
      await running.scenario.partners.sealedBytes(
        'POLITIE-OB',
        Buffer.from(JSON.stringify(unsigned)),
        'poison-2',
        { unsigned: true },
      ),
      { key: 'poison-3', value: tampered, headers: {} },
    ];
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), [
      ...sent.records.slice(0, half),
      ...poison,
      ...sent.records.slice(half),
    ]);
    running.gateway = await running.scenario.startGateway();

    await expectEachDeliveredOnce('poison records in the stream', sent, poison.length);
    const deadLetters = await readToEnd(kafka, running.scenario.topics.deadLetter);
    // Each poison record's dead letter: its value as received, but the one sent in clear only by
    // its hash (the hub writes nothing in clear); keyed by the pseudonym of its key, or not at all.
    const deadLetterOf = (record: { key: string; value: Buffer }) =>
      deadLetters.find(
        (deadLetter) =>
          deadLetter.bytes?.equals(record.value) ||
          deadLetter.headers[DEAD_LETTER_HEADERS.originalSha256] ===
            createHash('sha256').update(record.value).digest('hex'),
      );
    expect(deadLetters).toHaveLength(poison.length);
    expect(
      poison.map((record) => deadLetterOf(record)?.headers[DEAD_LETTER_HEADERS.failedStep]),
    ).toEqual(['decrypt', 'verify-signature', 'decrypt']);
    expect(deadLetterOf(poison[0]!)?.bytes).toBeNull();
    for (const record of poison) expect(deadLetterOf(record)?.key).not.toBe(record.key);
    for (const record of deadLetters) {
      expect(record.headers[DEAD_LETTER_HEADERS.sourceTopic]).toBe(
        running.scenario.topics.inbound('POLITIE-OB'),
      );
      expect(record.headers[DEAD_LETTER_HEADERS.failedStep]).toMatch(/\S/);
      expect(record.headers[DEAD_LETTER_HEADERS.errorMessage]).toMatch(/\S/);
    }
  });

  // Last: the broker takes a while to lead every partition again after a restart.
  it('loses and repeats nothing when the broker stops and starts again', async () => {
    const broker = restartableBroker();
    running.scenario = await newGatewayScenario(kafka);
    const sent = await zorgmeldingen(SUBMISSIONS);
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), sent.records);
    running.gateway = await running.scenario.startGateway();
    await deliveredAtLeast(SUBMISSIONS / 4);
    broker.stop();
    broker.start();

    await expectEachDeliveredOnce('broker stopped and restarted', sent);
    const restarts = running.gateway.logs.match(/pipeline crashed: restarting/g)?.length ?? 0;
    process.stdout.write(
      `broker stopped and restarted: the pipeline restarted ${restarts} times\n`,
    );
  });
});
