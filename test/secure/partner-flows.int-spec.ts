import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GROUP_PREFIXES, partnerClientPrefix } from '@samenloop/messaging';
import { verifyAuditTopic } from '../../apps/cli/src/audit/audit-verification';
import { cliSettings } from '../../apps/cli/src/cli-settings';
import { cliKafka } from '../../apps/cli/src/kafka/cli-kafka';
import { ParkedMessages } from '../../apps/cli/src/parked/parked-messages';
import { PartnerClient } from '../../apps/cli/src/partner/partner-client';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { produce, recordCount, testKafka, uniqueName } from '../support/kafka-test-kit';
import { ROOT, policeNumber, registry, submissionFrom, zsmCaseId } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';
import { rotateScramPassword, secureClientEnvironment } from '../support/secure-broker';
import { aclApply, errorTypes, joinAndRead, observedClient, partnerKafka } from './secure-clients';

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
    const nummer = policeNumber();
    const forged = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: nummer },
    });

    expect(
      await politie.refusal(async () =>
        produce(politie.kafka, topics.inbound('VT-ZOB'), [
          await partners.sealed('POLITIE-OB', forged, nummer),
        ]),
      ),
    ).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect(
      await politie.refusal(() =>
        joinAndRead(
          politie.kafka,
          `${partnerClientPrefix('POLITIE-OB')}${uniqueName('snoop')}`,
          topics.delivery('VT-ZOB'),
        ),
      ),
    ).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect(
      await politie.refusal(() =>
        joinAndRead(
          politie.kafka,
          `${partnerClientPrefix('VT-ZOB')}${uniqueName('ontvangst')}`,
          topics.delivery('POLITIE-OB'),
        ),
      ),
    ).toContain('GROUP_AUTHORIZATION_FAILED');
    expect(
      await politie.refusal(async () => {
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

  /** The CLI's settings as `principal`, in this test's namespace and with its keys. */
  const cliSettingsAs = (principal: string) =>
    cliSettings({ ...running.scenario.settings, ...secureClientEnvironment(principal) });

  it('lets the partner simulator send and receive with its own credentials, in a group under its prefix', async () => {
    const politie = await PartnerClient.open(cliSettingsAs('POLITIE-OB'), 'POLITIE-OB');
    const veiligThuis = await PartnerClient.open(cliSettingsAs('VT-ZOB'), 'VT-ZOB');

    const sent = await politie.send(path.join(ROOT, 'deploy/demo/3-zorgmelding-politie.json'), {
      freshId: true,
    });
    await running.watcher!.answerTo('POLITIE-OB', sent.messageId);
    await running.watcher!.until(
      () =>
        running
          .watcher!.deliveries('VT-ZOB', 'zorgmelding')
          .find((delivery) => delivery.messageId === sent.messageId),
      "the simulator's zorgmelding at VT-ZOB",
    );

    const answers = await politie.receive({ idleMs: 1_000, maxMs: 30_000 });
    // Only documents whose hub signature verified are listed; nothing was refused.
    expect(answers.refused).toEqual([]);
    expect(answers.documents).toContainEqual(
      expect.objectContaining({
        type: 'receipt',
        document: expect.objectContaining({ messageId: sent.messageId }) as unknown,
      }),
    );
    const received = await veiligThuis.receive({ idleMs: 1_000, maxMs: 30_000 });
    // Only documents whose hub signature verified are listed; nothing was refused.
    expect(received.refused).toEqual([]);
    expect(received.documents).toContainEqual(
      expect.objectContaining({
        type: 'delivery',
        document: expect.objectContaining({ messageId: sent.messageId }) as unknown,
      }),
    );
  });

  it("gives the operator the parked messages and the audit, and no partner's deliveries", async () => {
    const { topics } = running.scenario;
    const nummer = policeNumber();
    // No VT serves this municipality: the hub parks the message for the operator.
    const unroutable = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: nummer },
      payload: { '/huishouden/adres/gemeentecode': 'GM0999' },
    });
    await submit('POLITIE-OB', unroutable, nummer);
    const operator = cliSettingsAs('samenloop-operator');

    const parked = await new ParkedMessages(operator).list({ idleMs: 1_000, maxMs: 30_000 });
    expect(parked.map((message) => message.messageId)).toContain(unroutable.id);
    const audit = await verifyAuditTopic(cliKafka(operator, 'test-operator'), topics.audit);
    expect(audit.reduce((sum, partition) => sum + partition.verified, 0)).toBeGreaterThan(0);
    expect(audit.filter((partition) => partition.firstBreak)).toEqual([]);
    const observed = observedClient('samenloop-operator');
    expect(
      await observed.refusal(() =>
        joinAndRead(
          observed.kafka,
          `${GROUP_PREFIXES.operator}${uniqueName('snoop')}`,
          topics.delivery('VT-ZOB'),
        ),
      ),
    ).toContain('TOPIC_AUTHORIZATION_FAILED');
  });

  it("serves a partner whose password was rotated, and refuses the partner's old password", async () => {
    // VT-BNO: a partner the other tests of the secure broker do not connect as.
    const partnerId = 'VT-BNO';
    const environment = secureClientEnvironment(partnerId);
    const oldPassword = readFileSync(environment.KAFKA_SASL_PASSWORD_FILE!, 'utf8').trim();
    rotateScramPassword(partnerId);

    const { KAFKA_SASL_PASSWORD_FILE: _file, ...withoutFile } = environment;
    // One attempt: a refused password is final, retrying it would only slow the test down.
    const old = testKafka(
      'test-old-password',
      { ...withoutFile, KAFKA_SASL_PASSWORD: oldPassword },
      { retries: 0 },
    );
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
