import { randomUUID } from 'node:crypto';
import { HubSecret, keyFiles, Pseudonyms } from '@samenloop/crypto';
import { AccessRequests } from '../../apps/cli/src/audit/access-requests';
import { subjectQuery } from '../../apps/cli/src/audit/who-received';
import { decisionAudits } from '../support/audit-trail';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import {
  clientSettingsFromEnvironment,
  consumeUntil,
  produce,
  testKafka,
  type ConsumedRecord,
} from '../support/kafka-test-kit';
import { policeNumber, registry, submissionFrom, zsmCaseId } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

/** Ruben, the suspect: by BSN in a zorgmelding, a verdachtenmonitor entry and an actie-overleg. */
const RUBEN_BSN = '999990019';
/** Mila, a child recorded without BSN: in the zorgmelding and VT's veiligheidsbeoordeling. */
const MILA = { name: 'Mila Hoogstraten', birthdate: '2019-05-30' };

interface Persoon {
  readonly bsn?: string;
  readonly naam?: { voornamen?: string; voorvoegsel?: string; achternaam?: string };
  readonly geboortedatum?: string;
}

/** Every object in `value` shaped like a person (name and birth date), wherever it sits. */
function personsIn(value: unknown): Persoon[] {
  if (Array.isArray(value)) return value.flatMap(personsIn);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const here = typeof record.geboortedatum === 'string' && record.naam ? [record as Persoon] : [];
  return [...here, ...Object.values(record).flatMap(personsIn)];
}

const payloadIn = (submission: Record<string, unknown>) =>
  (submission.data as { payload: unknown }).payload;

const isRuben = (persoon: Persoon) => persoon.bsn === RUBEN_BSN;
// Written independently of the hub's normalisation: the test's own reading of "same person".
const isMila = (persoon: Persoon) =>
  !persoon.bsn &&
  persoon.geboortedatum === MILA.birthdate &&
  `${persoon.naam?.voornamen ?? ''} ${persoon.naam?.achternaam ?? ''}`
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase() === MILA.name.toLowerCase();

describe('samenloop audit who-received on a real broker', () => {
  const kafka = testKafka();
  const running = runningHub();

  beforeEach(async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.gateway = await running.scenario.startGateway();
    running.watcher = await DeliveryWatcher.start(
      kafka,
      running.scenario,
      registry.partners.map((partner) => partner.id),
    );
  });

  it('lists exactly the deliveries in which a partner decrypted data about the person, by BSN and by name and birth date, and leaves only pseudonyms on the topics', async () => {
    const { topics, partners } = running.scenario;
    const politieNummer = policeNumber();
    const zsmZaakId = zsmCaseId();
    const messages = [
      {
        sender: 'POLITIE-OB',
        key: politieNummer,
        submission: submissionFrom('zorgmelding/examples/valid/partnergeweld-met-kinderen.json', {
          sender: 'POLITIE-OB',
          zaakReferenties: { politieRegistratienummer: politieNummer },
        }),
      },
      {
        sender: 'POLITIE-OB',
        key: politieNummer,
        submission: submissionFrom(
          'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json',
          {
            sender: 'POLITIE-OB',
            zaakReferenties: { zsmZaakId, politieRegistratienummer: politieNummer },
            payload: { '/verdachte/bsn': RUBEN_BSN },
          },
        ),
      },
      {
        sender: 'VT-ZOB',
        key: zsmZaakId,
        submission: submissionFrom(
          'veiligheidsbeoordeling/examples/valid/kindermishandeling-met-vertrouwensartsbevindingen.json',
          {
            sender: 'VT-ZOB',
            zaakReferenties: { zsmZaakId },
            payload: {
              '/vertrouwensartsBevindingen': undefined,
              // Another spelling of the same child: the index normalises case and spacing.
              '/kinderenInBeeld/0': {
                naam: { voornamen: 'MILA', achternaam: ' Hoogstraten' },
                geboortedatum: MILA.birthdate,
              },
            },
          },
        ),
      },
      {
        // Another case about the same man, at the actie-overleg: RVDK and 3RO are only notified.
        sender: 'VT-BNO',
        key: `VT-BNO-2026-${randomUUID().slice(0, 8).toUpperCase()}`,
        submission: submissionFrom(
          'actie-overleg-aanmelding/examples/valid/vt-bno-dreiging-ex-partner-met-kinderen.json',
          {
            sender: 'VT-BNO',
            zaakReferenties: { politieRegistratienummer: policeNumber() },
            payload: { '/betrokkenen/0/persoon/bsn': RUBEN_BSN },
          },
        ),
      },
    ];
    const decisionsPerMessage = registry.partners.length - 1;
    let audits: ConsumedRecord[] = [];
    // One after the other, as in the chain: each is routed before the next is sent.
    for (const [index, { sender, key, submission }] of messages.entries()) {
      await produce(kafka, topics.inbound(sender), [
        await partners.sealed(sender, submission, key),
      ]);
      audits = await consumeUntil(
        kafka,
        topics.audit,
        (read) => decisionAudits(read).length >= (index + 1) * decisionsPerMessage,
      );
    }
    expect(decisionAudits(audits)).toHaveLength(messages.length * decisionsPerMessage);
    const deliveryCount = decisionAudits(audits).filter((audit) => audit.level !== 'geen').length;
    const received = () =>
      registry.partners.flatMap((partner) =>
        running
          .watcher!.all(partner.id)
          .filter((entry) => entry.type === 'delivery')
          .map((entry) => entry.document),
      );
    await running.watcher!.until(
      () => (received().length >= deliveryCount ? true : undefined),
      `${deliveryCount} deliveries`,
    );
    const payloadOf = new Map(
      messages.map(({ submission }) => [submission.id, payloadIn(submission)]),
    );
    // What each partner actually decrypted: the person in the delivered payload, or, for a
    // notification (no content), in the message it announces.
    const decryptedAbout = (isPerson: (persoon: Persoon) => boolean) =>
      received()
        .filter((delivery) =>
          personsIn(
            delivery.niveau === 'notificatie'
              ? payloadOf.get(String(delivery.messageId))
              : delivery.payload,
          ).some(isPerson),
        )
        .map((delivery) => String(delivery.deliveryId))
        .sort();

    const settings = {
      ...clientSettingsFromEnvironment(),
      keysDirectory: partners.keysDirectory,
      topicNamespace: running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!,
    };
    const requests = new AccessRequests(settings);
    const quick = { idleMs: 2_000, maxMs: 60_000 };
    const byBsn = await requests.whoReceived(
      subjectQuery({ bsn: RUBEN_BSN, purpose: 'AVG-verzoek 2026-0042' }),
      'operator-1',
      quick,
    );
    const byName = await requests.whoReceived(
      subjectQuery({ ...MILA, purpose: 'AVG-verzoek 2026-0043' }),
      'operator-1',
      quick,
    );

    const rubenDeliveries = decryptedAbout(isRuben);
    const milaDeliveries = decryptedAbout(isMila);
    // zorgmelding to VT-ZOB; entry to VT-ZOB, OM, 3RO, RVDK; actie-overleg to POLITIE-OB, OM, and
    // as notifications to RVDK and 3RO.
    expect(rubenDeliveries).toHaveLength(9);
    // zorgmelding to VT-ZOB; the children's part of the beoordeling to RVDK, not its other parts.
    expect(milaDeliveries).toHaveLength(2);
    expect(byBsn.deliveries.map((delivery) => delivery.deliveryId).sort()).toEqual(rubenDeliveries);
    expect(byName.deliveries.map((delivery) => delivery.deliveryId).sort()).toEqual(milaDeliveries);
    expect(byBsn.deliveries).toContainEqual(
      expect.objectContaining({
        recipient: 'RVDK',
        level: 'notificatie',
        messageType: 'nl.samenloop.actie-overleg-aanmelding',
        ruleIds: ['ao.rvdk.notificatie'],
        status: 'delivered',
      }),
    );
    expect(byName.deliveries).toContainEqual(
      expect.objectContaining({
        recipient: 'RVDK',
        level: 'inhoud',
        messageType: 'nl.samenloop.veiligheidsbeoordeling',
        deliveredFields: expect.arrayContaining(['/kinderenInBeeld']) as unknown,
        purposes: [expect.any(String)] as unknown,
        legalBases: [
          { label: expect.any(String) as unknown, reference: expect.any(String) as unknown },
        ],
      }),
    );

    // Each query is accounted for on the hub-events topic, by pseudonym only.
    // (The hub-events topic also holds the policy version that went live at start-up.)
    const events = (
      await consumeUntil(
        kafka,
        topics.hubEvents,
        (read) => read.filter((record) => record.value?.includes('"access-query"')).length >= 2,
      )
    )
      .filter((record) => record.value?.includes('"access-query"'))
      .map((record) => ({ key: record.key, event: JSON.parse(record.value ?? '') as object }));
    const secret = await HubSecret.read(keyFiles.hubSecret(partners.keysDirectory));
    const pseudonyms = new Pseudonyms(secret!);
    expect(events).toEqual([
      {
        key: byBsn.eventIds[0],
        event: {
          kind: 'access-query',
          eventId: byBsn.eventIds[0],
          subject: { by: 'bsn', pseudonym: pseudonyms.of('bsn', RUBEN_BSN) },
          purpose: 'AVG-verzoek 2026-0042',
          askedBy: 'operator-1',
          askedAt: expect.any(String) as unknown,
          deliveriesFound: 9,
        },
      },
      {
        key: byName.eventIds[0],
        event: {
          kind: 'access-query',
          eventId: byName.eventIds[0],
          subject: {
            by: 'person',
            pseudonym: pseudonyms.of('person', `mila hoogstraten\n${MILA.birthdate}`),
          },
          purpose: 'AVG-verzoek 2026-0043',
          askedBy: 'operator-1',
          askedAt: expect.any(String) as unknown,
          deliveriesFound: 2,
        },
      },
    ]);

    // The gateway writes each query into the audit itself, as the audit's single writer.
    const queryAudits = (
      await consumeUntil(
        kafka,
        topics.audit,
        (read) => read.filter((record) => record.value?.includes('"access-query"')).length >= 2,
      )
    )
      .map((record) => JSON.parse(record.value ?? '') as { kind: string })
      .filter((audit) => audit.kind === 'access-query');
    // (Keyed by event id, the two may sit in different audit partitions: in any order.)
    expect(queryAudits).toHaveLength(2);
    expect(queryAudits).toEqual(
      expect.arrayContaining(
        events.map(({ event }) => ({ ...event, auditId: expect.any(String) as unknown })),
      ),
    );

    // No BSN, name or birth date of anyone in the messages is on the audit or hub-events topic
    // (pseudonyms left out of the search: random base64 may spell a short name by chance).
    const onTopics = JSON.stringify([
      ...audits.map((record) => [record.key, record.value, record.headers]),
      ...events,
    ]).replace(/\\"pseudonym\\":\\"[A-Za-z0-9_-]+\\"|"pseudonym":"[A-Za-z0-9_-]+"/g, '');
    const mentions = (text: string) =>
      new RegExp(`\\b${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(onTopics);
    const persons = messages.flatMap(({ submission }) => personsIn(payloadIn(submission)));
    expect(persons.length).toBeGreaterThan(8);
    for (const persoon of persons) {
      for (const value of [
        persoon.bsn,
        persoon.naam?.voornamen?.trim(),
        persoon.naam?.achternaam?.trim(),
        persoon.geboortedatum,
      ])
        if (value) expect([value, mentions(value)]).toEqual([value, false]);
    }
  });
});
