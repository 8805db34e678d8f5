import { readFileSync } from 'node:fs';
import { partnerClientPrefix } from '../../apps/cli/src/acl/registry-acls';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { produce, recordCount, testKafka, uniqueName } from '../support/kafka-test-kit';
import { policeNumber, registry, submissionFrom, zsmCaseId } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';
import { rotateScramPassword, secureClientEnvironment } from '../support/secure-broker';
import { aclApply, errorTypes, observedClient, partnerKafka } from './secure-clients';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
const ENTRY = 'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json';
const AANMELDING =
  'actie-overleg-aanmelding/examples/valid/vt-bno-dreiging-ex-partner-met-kinderen.json';
const BEOORDELING =
  'veiligheidsbeoordeling/examples/valid/kindermishandeling-met-vertrouwensartsbevindingen.json';

describe('the hub on the secure broker: SASL_SSL, every client its own principal, ACLs from the registry', () => {
  const admin = testKafka('test-admin', secureClientEnvironment('admin'));
  const running = runningHub('afterAll');
  const partnerIds = registry.partners.map((partner) => partner.id);

  beforeAll(async () => {
    running.scenario = await newGatewayScenario(admin, secureClientEnvironment('samenloop-hub'));
    expect(await aclApply(running.scenario.settings)).toMatchObject({ code: 0, stderr: '' });
    running.watcher = await DeliveryWatcher.start(partnerKafka, running.scenario, partnerIds);
    running.gateway = await running.scenario.startGateway();
  });

  /** A partner's system submits on its own inbound topic, with its own credentials. */
  async function submit(sender: string, submission: { id: string }, key: string) {
    const { partners, topics } = running.scenario;
    await produce(partnerKafka(sender), topics.inbound(sender), [
      await partners.sealed(sender, submission, key),
    ]);
    return running.watcher!.answerTo(sender, submission.id);
  }

  it('routes a zorgmelding, a verdachtenmonitor entry and a veiligheidsbeoordeling end to end', async () => {
    const politieNummer = policeNumber();
    const zsmZaakId = zsmCaseId();
    const zorgmelding = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: politieNummer },
    });
    const entry = submissionFrom(ENTRY, {
      sender: 'POLITIE-OB',
      zaakReferenties: { zsmZaakId, politieRegistratienummer: politieNummer },
    });
    const beoordeling = submissionFrom(BEOORDELING, {
      sender: 'VT-ZOB',
      zaakReferenties: { zsmZaakId },
      payload: { '/vertrouwensartsBevindingen': undefined },
    });
    // One after the other, as in the chain: each is answered before the next is sent.
    expect((await submit('POLITIE-OB', zorgmelding, politieNummer)).type).toBe('receipt');
    expect((await submit('POLITIE-OB', entry, politieNummer)).type).toBe('receipt');
    expect((await submit('VT-ZOB', beoordeling, zsmZaakId)).type).toBe('receipt');

    const watcher = running.watcher!;
    const received = (partnerId: string, messageType: string) =>
      watcher.until(
        () => watcher.deliveries(partnerId, messageType)[0],
        `the ${messageType} at ${partnerId}`,
      );
    expect((await received('VT-ZOB', 'zorgmelding')).messageId).toBe(zorgmelding.id);
    expect((await received('VT-ZOB', 'verdachtenmonitor-entry')).messageId).toBe(entry.id);
    expect((await received('OM', 'verdachtenmonitor-entry')).messageId).toBe(entry.id);
    for (const partnerId of ['OM', 'POLITIE-OB', '3RO', 'RVDK'])
      expect((await received(partnerId, 'veiligheidsbeoordeling')).messageId).toBe(beoordeling.id);
    expect(watcher.all('VT-BNO')).toEqual([]);
  });

  it("refuses a partner another partner's inbound topic, delivery topic, group and transactional ids, and delivers nothing", async () => {
    const { partners, topics } = running.scenario;
    const watched = [topics.inbound('VT-ZOB'), ...partnerIds.map((id) => topics.delivery(id))];
    const counts = () => Promise.all(watched.map((topic) => recordCount(admin, topic)));
    const before = await counts();
    const delivered = partnerIds.map((id) => running.watcher!.all(id).length);
    const politie = observedClient('POLITIE-OB');
    /** What the broker answered an attempt: the codes on its error and in the client's log. */
    const refusal = async (attempt: () => Promise<unknown>) => {
      politie.answered.length = 0;
      const thrown = await attempt().then(
        () => [],
        (error: unknown) => errorTypes(error),
      );
      return [...thrown, ...politie.answered];
    };
    const nummer = policeNumber();
    const forged = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: nummer },
    });

    expect(
      await refusal(async () =>
        produce(politie.kafka, topics.inbound('VT-ZOB'), [
          await partners.sealed('POLITIE-OB', forged, nummer),
        ]),
      ),
    ).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect(
      await refusal(() =>
        joinAndRead(
          politie.kafka,
          `${partnerClientPrefix('POLITIE-OB')}${uniqueName('snoop')}`,
          topics.delivery('VT-ZOB'),
        ),
      ),
    ).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect(
      await refusal(() =>
        joinAndRead(
          politie.kafka,
          `${partnerClientPrefix('VT-ZOB')}${uniqueName('ontvangst')}`,
          topics.delivery('POLITIE-OB'),
        ),
      ),
    ).toContain('GROUP_AUTHORIZATION_FAILED');
    expect(
      await refusal(async () => {
        const producer = politie.kafka.producer({
          transactionalId: `${partnerClientPrefix('VT-ZOB')}${uniqueName('tx')}`,
          idempotent: true,
          maxInFlightRequests: 1,
        });
        try {
          await producer.connect();
          // kafkajs asks for the transactional id's coordinator with the first transaction.
          await producer.transaction();
        } finally {
          await producer.disconnect();
        }
      }),
    ).toContain('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');

    // As the super user sees it: no record reached VT-ZOB's inbound topic, no delivery went out.
    expect(await counts()).toEqual(before);
    expect(partnerIds.map((id) => running.watcher!.all(id).length)).toEqual(delivered);
  });

  it("serves a partner whose password was rotated, and refuses the partner's old password", async () => {
    // VT-BNO: a partner the other tests of the secure broker do not connect as.
    const partnerId = 'VT-BNO';
    const environment = secureClientEnvironment(partnerId);
    const oldPassword = readFileSync(environment.KAFKA_SASL_PASSWORD_FILE!, 'utf8').trim();
    rotateScramPassword(partnerId);

    const { KAFKA_SASL_PASSWORD_FILE: _file, ...withoutFile } = environment;
    const old = testKafka('test-old-password', {
      ...withoutFile,
      KAFKA_SASL_PASSWORD: oldPassword,
    });
    const oldAdmin = old.admin();
    const refused = await oldAdmin.connect().then(
      () => [],
      (error: unknown) => errorTypes(error),
    );
    await oldAdmin.disconnect();
    expect(refused).toContain('KafkaJSSASLAuthenticationError');

    // With the new password, read from its file: the partner submits and reads its answer.
    const watcher = await DeliveryWatcher.start(partnerKafka, running.scenario, [partnerId]);
    try {
      const nummer = policeNumber();
      const aanmelding = submissionFrom(AANMELDING, {
        sender: partnerId,
        zaakReferenties: { vtZaakReferentie: `VT-BNO-${nummer}`, politieRegistratienummer: nummer },
      });
      const { partners, topics } = running.scenario;
      await produce(partnerKafka(partnerId), topics.inbound(partnerId), [
        await partners.sealed(partnerId, aanmelding, nummer),
      ]);
      expect((await watcher.answerTo(partnerId, aanmelding.id)).type).toBe('receipt');
    } finally {
      await watcher.stop();
    }
  });
});

/** Joins `groupId` and reads `topic`; rejects with what stopped the consumer. */
async function joinAndRead(
  kafka: ReturnType<typeof testKafka>,
  groupId: string,
  topic: string,
): Promise<void> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 1 } });
  try {
    await consumer.connect();
    const outcome = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
    });
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: () => Promise.resolve() });
    await outcome;
  } finally {
    await consumer.disconnect();
  }
}
