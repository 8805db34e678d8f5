import { CLOUDEVENTS_HEADERS, hubDocumentTypeOf } from '@samenloop/contracts';
import { DEAD_LETTER_HEADERS } from '@samenloop/messaging';
import { decisionAudits } from '../support/audit-trail';
import { expectExplainAgrees } from '../support/explain-agreement';
import { newGatewayScenario } from '../support/gateway-scenario';
import {
  consumeUntil,
  produce,
  recordCount,
  testKafka,
  type ConsumedRecord,
} from '../support/kafka-test-kit';
import { policeNumber, registry, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

/** One audit record per partner other than the sender. */
const AUDITS_PER_MESSAGE = registry.partners.length - 1;

interface Delivery {
  deliveryId: string;
  messageId: string;
  messageType: string;
  recipient: string;
  niveau: string;
  payload?: Record<string, unknown>;
  grondslag: { ruleIds: string[] };
  caseThread: { caseKey: string; fase: string; relatedDeliveries: string[] };
}
const fieldsOf = (delivery: Delivery | undefined) => Object.keys(delivery?.payload ?? {}).sort();
const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';

describe('policy gateway on a real broker', () => {
  const kafka = testKafka();
  const running = runningHub();

  beforeEach(async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.gateway = await running.scenario.startGateway();
  });

  const deliveriesAmong = (records: readonly ConsumedRecord[]) =>
    records.filter((record) => hubDocumentTypeOf(record.headers) === 'delivery');

  async function deliveriesTo(partnerId: string, count: number): Promise<Delivery[]> {
    const records = await consumeUntil(
      kafka,
      running.scenario.topics.delivery(partnerId),
      (read) => deliveriesAmong(read).length >= count,
    );
    return Promise.all(
      deliveriesAmong(records).map((record) =>
        running.scenario.partners.open<Delivery>(record, partnerId),
      ),
    );
  }

  it('routes a zorgmelding, a verdachtenmonitor entry and a veiligheidsbeoordeling to exactly the right partners with exactly the allowed fields', async () => {
    const politieNummer = policeNumber();
    const zsmZaakId = `ZSM-OB-2026-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const zorgmelding = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: politieNummer },
    });
    const entry = submissionFrom(
      'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json',
      {
        sender: 'POLITIE-OB',
        zaakReferenties: { zsmZaakId, politieRegistratienummer: politieNummer },
      },
    );
    const BEOORDELING =
      'veiligheidsbeoordeling/examples/valid/kindermishandeling-met-vertrouwensartsbevindingen.json';
    const withFindings = submissionFrom(BEOORDELING, {
      sender: 'VT-ZOB',
      zaakReferenties: { zsmZaakId },
    });
    // VT sends it again without the confidential doctor's findings, as the refusal asks.
    const beoordeling = submissionFrom(BEOORDELING, {
      sender: 'VT-ZOB',
      zaakReferenties: { zsmZaakId },
      payload: { '/vertrouwensartsBevindingen': undefined },
    });
    const { partners, topics } = running.scenario;
    // As in the chain, one message after the other: each is routed before the next is sent
    // (they travel on different topics, so Kafka alone does not order them).
    const auditsAfter = async (count: number) =>
      decisionAudits(
        await consumeUntil(kafka, topics.audit, (read) => decisionAudits(read).length >= count),
      );
    await produce(kafka, topics.inbound('POLITIE-OB'), [
      await partners.sealed('POLITIE-OB', zorgmelding, politieNummer),
    ]);
    await auditsAfter(AUDITS_PER_MESSAGE);
    await produce(kafka, topics.inbound('POLITIE-OB'), [
      await partners.sealed('POLITIE-OB', entry, politieNummer),
    ]);
    await auditsAfter(2 * AUDITS_PER_MESSAGE);
    await produce(kafka, topics.inbound('VT-ZOB'), [
      await partners.sealed('VT-ZOB', withFindings, zsmZaakId),
    ]);
    const [refusal] = await consumeUntil(kafka, topics.delivery('VT-ZOB'), (read) =>
      read.some((record) => hubDocumentTypeOf(record.headers) === 'rejection'),
    ).then((read) => read.filter((record) => hubDocumentTypeOf(record.headers) === 'rejection'));
    // The confidential doctor's findings never leave VT: the hub refuses to route or keep them.
    expect(
      (await partners.open<{ errors: { code: string; path: string }[] }>(refusal!, 'VT-ZOB'))
        .errors,
    ).toEqual([
      expect.objectContaining({
        code: 'never-share',
        path: '/data/payload/vertrouwensartsBevindingen',
      }),
    ]);
    await produce(kafka, topics.inbound('VT-ZOB'), [
      await partners.sealed('VT-ZOB', beoordeling, zsmZaakId),
    ]);
    // One audit record per message and potential recipient, committed with its deliveries.
    const audits = await auditsAfter(3 * AUDITS_PER_MESSAGE);
    const vtZob = await deliveriesTo('VT-ZOB', 2);
    const om = await deliveriesTo('OM', 2);
    const politie = await deliveriesTo('POLITIE-OB', 1);
    const reclassering = await deliveriesTo('3RO', 2);
    const raad = await deliveriesTo('RVDK', 2);
    const byType = (deliveries: Delivery[], type: string) =>
      deliveries.find((delivery) => delivery.messageType === `nl.samenloop.${type}`);

    expect(fieldsOf(byType(vtZob, 'zorgmelding'))).toEqual([
      'acuutGevaar',
      'betrokkenen',
      'eerdereMeldingen',
      'huishouden',
      'incident',
      'kinderenAanwezig',
      'melder',
    ]);
    expect(fieldsOf(byType(vtZob, 'verdachtenmonitor-entry'))).toEqual([
      'aanhouding',
      'feit',
      'huiselijkGeweld',
      'justitieleDocumentatie',
      'minderjarigenBetrokken',
      'relatieTotSlachtoffer',
      'status',
      'verdachte',
      'zsmZaakId',
    ]);
    expect(
      Object.keys(byType(vtZob, 'verdachtenmonitor-entry')?.payload?.justitieleDocumentatie ?? {}),
    ).toEqual(['samenvatting']);
    // The later message in the thread points VT's system at the earlier delivery.
    expect(byType(vtZob, 'verdachtenmonitor-entry')?.caseThread).toMatchObject({
      fase: 'zsm',
      caseKey: byType(vtZob, 'zorgmelding')?.caseThread.caseKey,
      relatedDeliveries: [byType(vtZob, 'zorgmelding')?.deliveryId],
    });
    expect(byType(om, 'verdachtenmonitor-entry')?.payload?.justitieleDocumentatie).toHaveProperty(
      'volledigOverzicht',
    );
    // OM decides: it also gets the risk factors, the current care and whom at VT to call.
    expect(fieldsOf(byType(om, 'veiligheidsbeoordeling'))).toEqual([
      'beoordelaar',
      'conclusie',
      'geadviseerdeVoorwaarden',
      'huidigeHulpverlening',
      'risicofactoren',
    ]);
    expect(fieldsOf(byType(politie, 'veiligheidsbeoordeling'))).toEqual([
      'conclusie',
      'geadviseerdeVoorwaarden',
    ]);
    expect(fieldsOf(byType(reclassering, 'veiligheidsbeoordeling'))).toEqual([
      'beoordelaar',
      'conclusie',
      'geadviseerdeVoorwaarden',
      'huidigeHulpverlening',
      'risicofactoren',
    ]);
    expect(fieldsOf(byType(raad, 'veiligheidsbeoordeling'))).toEqual([
      'conclusie',
      'geadviseerdeVoorwaarden',
      'kinderenInBeeld',
      'risicofactoren',
    ]);
    expect(
      Object.keys(byType(raad, 'verdachtenmonitor-entry')?.payload?.justitieleDocumentatie ?? {}),
    ).toEqual(['samenvatting']);
    // The other VT never receives a family outside its municipalities.
    expect(await recordCount(kafka, topics.delivery('VT-BNO'))).toBe(0);
    const delivered = [...vtZob, ...om, ...politie, ...reclassering, ...raad];
    // policy explain --case answers as the gateway decided, for every partner of every message.
    expect(expectExplainAgrees([zorgmelding, entry, beoordeling], audits)).toBe(
      3 * AUDITS_PER_MESSAGE,
    );
    // The audit trail matches the deliveries one to one.
    const auditedDeliveries = audits.filter((audit) => audit.level !== 'geen');
    expect(auditedDeliveries.map((audit) => audit.deliveryId).sort()).toEqual(
      delivered.map((delivery) => delivery.deliveryId).sort(),
    );
    for (const delivery of delivered) {
      expect(
        auditedDeliveries.find((audit) => audit.deliveryId === delivery.deliveryId),
      ).toMatchObject({
        recipient: delivery.recipient,
        messageId: delivery.messageId,
        ruleIds: delivery.grondslag.ruleIds,
      });
    }
  });

  it('rejects forged and unsigned submissions with reasons, dead-letters them and delivers nothing', async () => {
    const { partners, topics } = running.scenario;
    const nummer = policeNumber();
    const message = () =>
      submissionFrom(ZORGMELDING, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: nummer },
      });
    const forged = await partners.sealed('VT-BNO', message(), nummer);
    const unsigned = await partners.sealedBytes(
      'POLITIE-OB',
      Buffer.from(JSON.stringify(message())),
      nummer,
      { unsigned: true },
    );

    await produce(kafka, topics.inbound('POLITIE-OB'), [forged, unsigned]);

    const answers = await consumeUntil(
      kafka,
      topics.delivery('POLITIE-OB'),
      (read) => read.length >= 2,
    );
    const rejections = await Promise.all(
      answers.map((record) => partners.open<{ errors: { code: string }[] }>(record, 'POLITIE-OB')),
    );
    expect(rejections.map((rejection) => rejection.errors.map((error) => error.code))).toEqual([
      ['unknown-sender'],
      ['missing-signature'],
    ]);
    const deadLetters = await consumeUntil(kafka, topics.deadLetter, (read) => read.length >= 2);
    expect(deadLetters.map((record) => record.headers[DEAD_LETTER_HEADERS.failedStep])).toEqual([
      'verify-signature',
      'verify-signature',
    ]);
    expect(await recordCount(kafka, topics.delivery('VT-ZOB'))).toBe(0);
  });

  it('delivers a submission sent twice only once, and tells the sender', async () => {
    const { partners, topics } = running.scenario;
    const nummer = policeNumber();
    const message = await partners.sealed(
      'POLITIE-OB',
      submissionFrom(ZORGMELDING, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: nummer },
      }),
      nummer,
    );

    await produce(kafka, topics.inbound('POLITIE-OB'), [message, message]);

    const answers = await consumeUntil(
      kafka,
      topics.delivery('POLITIE-OB'),
      (read) => read.length >= 2,
    );
    expect(answers.map((record) => record.headers[CLOUDEVENTS_HEADERS.type])).toEqual([
      'nl.samenloop.receipt',
      'nl.samenloop.rejection',
    ]);
    expect(await partners.open(answers[1]!, 'POLITIE-OB')).toMatchObject({
      errors: [{ code: 'duplicate' }],
    });
    const vtRecords = await consumeUntil(
      kafka,
      topics.delivery('VT-ZOB'),
      (read) => read.length >= 1,
    );
    expect(deliveriesAmong(vtRecords)).toHaveLength(1);
  });
});
