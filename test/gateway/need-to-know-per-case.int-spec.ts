import { decisionAudits } from '../support/audit-trail';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { expectExplainAgrees } from '../support/explain-agreement';
import { newGatewayScenario } from '../support/gateway-scenario';
import { consumeUntil, produce, testKafka } from '../support/kafka-test-kit';
import { policeNumber, registry, submissionFrom, zsmCaseId } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const ENTRY = 'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json';
const BEOORDELING =
  'veiligheidsbeoordeling/examples/valid/partnergeweld-kinderen-contact-en-locatieverbod.json';
const AFDOENING =
  'afdoeningsbeslissing/examples/valid/heenzenden-met-voorwaarden-partnergeweld.json';
const AFSLUITING = 'zaakafsluiting/examples/valid/om-strafrechtelijk-afgedaan-na-vonnis.json';
const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
/** 's-Hertogenbosch, served by VT-BNO; the family lives in Eindhoven (GM0772, VT-ZOB). */
const SUSPECTS_MUNICIPALITY = { woonplaats: "'s-Hertogenbosch", gemeentecode: 'GM0796' };

/**
 * Need-to-know judged on the whole case, on a real broker: an ex-partner living in another region,
 * an assessment that does not mention the children, the case references each partner gets, a late
 * message audited as rejected, and `policy explain --case` agreeing with every decision the hub took.
 */
describe('need-to-know per case on a real broker', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');

  it('routes by the household, keeps facts, shares only listed references, audits rejections and agrees with explain --case', async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(
      kafka,
      running.scenario,
      registry.partners.map((partner) => partner.id),
    );
    running.gateway = await running.scenario.startGateway();
    const police = policeNumber();
    const zsm = zsmCaseId();
    const sent: { sender: string; submission: { id: string } }[] = [];
    const send = async (sender: string, submission: { id: string }, key: string) => {
      sent.push({ sender, submission });
      await produce(kafka, running.scenario.topics.inbound(sender), [
        await running.scenario.partners.sealed(sender, submission, key),
      ]);
    };
    const received = (partner: string, type: string, count = 1) =>
      running.watcher!.until(() => {
        const found = running.watcher!.deliveries(partner, type);
        return found.length >= count ? found : undefined;
      }, `${count} ${type} at ${partner}`);

    await send(
      'POLITIE-OB',
      submissionFrom(ENTRY, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: police, zsmZaakId: zsm },
        payload: {
          '/zsmZaakId': zsm,
          '/verdachte/adres': SUSPECTS_MUNICIPALITY,
          '/aanhouding/locatie': SUSPECTS_MUNICIPALITY,
          '/huishouden': { gemeentecode: 'GM0772' },
        },
      }),
      police,
    );
    await received('VT-ZOB', 'verdachtenmonitor-entry');
    // The assessment names no children: that says nothing about them, so minors stay involved.
    await send(
      'VT-ZOB',
      submissionFrom(BEOORDELING, {
        sender: 'VT-ZOB',
        zaakReferenties: { zsmZaakId: zsm },
        payload: { '/kinderenInBeeld': undefined },
      }),
      zsm,
    );
    await received('OM', 'veiligheidsbeoordeling');
    await send(
      'OM',
      submissionFrom(AFDOENING, {
        sender: 'OM',
        zaakReferenties: { zsmZaakId: zsm, parketnummer: '01/214387-26' },
        payload: { '/zsmZaakId': zsm },
      }),
      zsm,
    );
    const [decision] = await received('RVDK', 'afdoeningsbeslissing');
    await received('VT-ZOB', 'afdoeningsbeslissing');
    expect(decision?.niveau).toBe('inhoud');
    // The suspect's address never chose a VT.
    expect(running.watcher.all('VT-BNO')).toEqual([]);

    // A late message in the closed case: rejected, and the audit says so.
    await send(
      'OM',
      submissionFrom(AFSLUITING, { sender: 'OM', zaakReferenties: { zsmZaakId: zsm } }),
      zsm,
    );
    await received('VT-ZOB', 'zaakafsluiting');
    const late = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: police },
    });
    await send('POLITIE-OB', late, police);
    // Read until the rejection and the decision of every delivery are in: the audit's partitions
    // are read side by side, so one record found says nothing of the others.
    const delivered = registry.partners.flatMap((partner) =>
      running.watcher!.all(partner.id).filter((item) => item.type === 'delivery'),
    );
    const deliveryIds = delivered.map((item) => String(item.document.deliveryId));
    const trail = await consumeUntil(kafka, running.scenario.topics.audit, (records) => {
      const read = records.map((record) => record.value ?? '');
      return (
        read.some((value) => value.includes(late.id)) &&
        deliveryIds.every((id) => read.some((value) => value.includes(id)))
      );
    });
    expect(
      trail
        .map((record) => JSON.parse(record.value ?? '') as Record<string, unknown>)
        .find((audit) => audit.messageId === late.id),
    ).toMatchObject({ kind: 'rejection', step: 'stage', codes: ['invalid-stage-transition'] });

    // Every delivery carries only the case references its audit record names.
    const decisions = decisionAudits(trail);
    expect(delivered.length).toBeGreaterThan(0);
    for (const entry of delivered) {
      const audit = decisions.find((record) => record.deliveryId === entry.document.deliveryId);
      expect(audit).toBeDefined();
      expect(
        Object.keys((entry.document.zaakReferenties as object | undefined) ?? {}).map(
          (kind) => `/zaakReferenties/${kind}`,
        ),
      ).toEqual(audit!.deliveredReferences);
    }

    // policy explain --case, given the messages before, decides as the hub did, partner by partner.
    const compared = expectExplainAgrees(
      sent.map(({ submission }) => submission),
      decisions,
    );
    expect(compared).toBe(4 * (registry.partners.length - 1));
  });
});
