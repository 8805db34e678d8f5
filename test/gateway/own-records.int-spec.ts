import { RECORD_MAC_HEADER } from '@samenloop/crypto';
import { zsmDeadline } from '@samenloop/case';
import { DEAD_LETTER_HEADERS } from '@samenloop/messaging';
import { clockTickRecord } from '../../apps/gateway/src/clock/clock-tick';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { consumeUntil, produce, testKafka } from '../support/kafka-test-kit';
import { policeNumber, submissionFrom, zsmCaseId } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const ENTRY = 'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json';
const AFDOENING =
  'afdoeningsbeslissing/examples/valid/heenzenden-met-voorwaarden-partnergeweld.json';
const MARGIN_MINUTES = 120;
const MINUTE = 60_000;
/** A municipality VT-BNO serves; the case's household lives in GM0772, VT-ZOB's. */
const OTHER_VT_MUNICIPALITY = 'GM0796';

/**
 * On a real broker: anyone may be able to write the hub's clock and case state
 * topics, but the hub applies only the records it wrote itself.
 */
describe('the hub trusts only its own records', () => {
  const kafka = testKafka();
  const running = runningHub();

  /** A domestic-violence case at ZSM, its verdachtenmonitor entry delivered to VT-ZOB. */
  const caseAtZsm = async (arrestedAt: Date) => {
    const references = { politieRegistratienummer: policeNumber(), zsmZaakId: zsmCaseId() };
    const entry = submissionFrom(ENTRY, {
      sender: 'POLITIE-OB',
      zaakReferenties: references,
      payload: {
        '/zsmZaakId': references.zsmZaakId,
        '/aanhouding/tijdstip': arrestedAt.toISOString(),
      },
    });
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), [
      await running.scenario.partners.sealed(
        'POLITIE-OB',
        entry,
        references.politieRegistratienummer,
      ),
    ]);
    const delivered = await running.watcher!.until(
      () =>
        running
          .watcher!.deliveries('VT-ZOB', 'verdachtenmonitor-entry')
          .find((d) => d.messageId === entry.id),
      'the verdachtenmonitor entry at VT-ZOB',
    );
    return { references, entryId: entry.id, caseKey: delivered.caseThread!.caseKey };
  };

  it('skips a forged tick from 2099 with an alert and a dead letter, while its own tick raises the ZSM alarm', async () => {
    running.scenario = await newGatewayScenario(kafka, {
      GATEWAY_ZSM_ALERT_MARGIN_MINUTES: String(MARGIN_MINUTES),
    });
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, ['VT-ZOB', 'OM']);
    running.gateway = await running.scenario.startGateway();
    const arrestedAt = new Date(Date.now() - 60 * MINUTE);
    const { references } = await caseAtZsm(arrestedAt);
    const { clock, deadLetter } = running.scenario.topics;

    // Without a MAC, and with the MAC of a genuine tick of another time.
    const in2099 = JSON.stringify({ now: '2099-01-01T00:00:00.000Z' });
    const genuine = clockTickRecord(await running.scenario.recordMac(), clock, new Date());
    await produce(kafka, clock, [
      { key: 'clock', value: in2099 },
      {
        key: 'clock',
        value: in2099,
        headers: { [RECORD_MAC_HEADER]: genuine.headers![RECORD_MAC_HEADER]! },
      },
    ]);
    const fromClock = (records: readonly { headers: Record<string, string> }[]) =>
      records.filter((record) => record.headers[DEAD_LETTER_HEADERS.sourceTopic] === clock);
    const deadLetters = fromClock(
      await consumeUntil(kafka, deadLetter, (records) => fromClock(records).length === 2),
    );
    expect(deadLetters.map((record) => record.headers[DEAD_LETTER_HEADERS.failedStep])).toEqual([
      'clock-mac',
      'clock-mac',
    ]);
    await running.gateway.logged(
      /"alert":"clock-tick-not-authentic".*"alert":"clock-tick-not-authentic"/s,
    );

    // The hub's own tick at the alarm's margin raises it, at that time: 2099 never reached the hub.
    const alarmAt = new Date(zsmDeadline(arrestedAt, true).getTime() - MARGIN_MINUTES * MINUTE);
    await running.scenario.tick(alarmAt);
    const alarm = await running.watcher.until(
      () => running.watcher!.deliveries('OM', 'zsm-termijn-signalering')[0],
      'the ZSM alarm at OM',
    );
    expect(alarm.payload?.zsmZaakId).toBe(references.zsmZaakId);
    expect(alarm.occurredAt).toBe(alarmAt.toISOString());
  });

  it('skips a forged case state at restart with an alert: the OM decision still reaches the VT of the household', async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, ['VT-ZOB', 'OM']);
    running.gateway = await running.scenario.startGateway();
    const { references, entryId, caseKey } = await caseAtZsm(new Date(Date.now() - 60 * MINUTE));
    const { caseState } = running.scenario.topics;
    const state = await consumeUntil(kafka, caseState, (records) =>
      records.some((record) => record.key === `msg:${entryId}`),
    );
    await running.gateway.kill();

    // The case moved to VT-BNO's municipality: in clear, as anyone without the hub secret could
    // write it, and as a genuine sealed value of another key moved onto the case's key.
    const moved = state.find((record) => record.key === `msg:${entryId}`)!.value!;
    await produce(kafka, caseState, [
      {
        key: `case:${caseKey}`,
        value: JSON.stringify({
          caseKey,
          stage: 'zsm',
          references: Object.entries(references).map(([kind, value]) => `${kind}:${value}`),
          facts: { domesticViolence: true, gemeentecodes: [OTHER_VT_MUNICIPALITY] },
          deliveries: {},
          received: ['nl.samenloop.verdachtenmonitor-entry'],
          melders: [],
          participants: ['POLITIE-OB'],
          alarms: {},
          heldForVt: {},
        }),
      },
      { key: `case:${caseKey}`, value: moved },
    ]);
    running.gateway = await running.scenario.startGateway();
    await running.gateway.logged(/case state and audit chain heads restored/);
    expect(running.gateway.logs.match(/"alert":"case-state-record-skipped"/g)).toHaveLength(2);

    const decision = submissionFrom(AFDOENING, {
      sender: 'OM',
      zaakReferenties: { zsmZaakId: references.zsmZaakId, parketnummer: '01/214387-26' },
    });
    await produce(kafka, running.scenario.topics.inbound('OM'), [
      await running.scenario.partners.sealed('OM', decision, references.zsmZaakId),
    ]);
    const receipt = await running.watcher.answerTo('OM', decision.id);
    const deliveredTo = (receipt.document.deliveredTo as { recipient: string }[]).map(
      (entry) => entry.recipient,
    );
    expect(deliveredTo).toContain('VT-ZOB');
    expect(deliveredTo).not.toContain('VT-BNO');
    expect(receipt.document.caseKey).toBe(caseKey);
  });
});
