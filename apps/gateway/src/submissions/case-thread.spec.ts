import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CaseLedger } from '@samenloop/case';
import { RECORD_MAC_HEADER, RecordMac } from '@samenloop/crypto';
import { topicNames, PARKED_HEADERS, type OutboundRecord } from '@samenloop/messaging';
import { ForgedRecordError } from '../topics/own-record';
import type { HubHandlers } from '../hub-handlers';
import { HandlerFixture, registry, validator } from './submission-handler.fixture';
import { CASE_THREAD_EXAMPLES } from '../../../../test/support/case-thread-examples';

/**
 * Case threads end to end through the handlers, without Kafka: stages and forbidden transitions,
 * who may send what, parking, VT's feedback to the reporter and the clock's alarms.
 */
const SCHEMAS = path.resolve(__dirname, '../../../../schemas');
const topics = topicNames();
const {
  entry: ENTRY,
  zorgmelding: ZORGMELDING,
  beoordeling: BEOORDELING,
  afdoening: AFDOENING,
} = CASE_THREAD_EXAMPLES;
const TERUGKOPPELING =
  'terugkoppeling-aan-melder/examples/valid/overgedragen-aan-wijkteam-met-veiligheidsafspraken.json';
const AFSLUITING = 'zaakafsluiting/examples/valid/om-strafrechtelijk-afgedaan-na-vonnis.json';
const ZSM_ALERT_DIRECTORY = 'zsm-termijn-signalering/examples/valid';

interface Envelope {
  id: string;
  source: string;
  data: {
    zaakReferenties: Record<string, string>;
    relatesTo?: string[];
    payload: Record<string, unknown>;
  };
}

/** A fixture message from `sender` with a fresh id and the given case references. */
function message(
  fixture: string,
  sender: string,
  zaakReferenties: Record<string, string>,
  change: (payload: Record<string, unknown>) => void = () => undefined,
): Envelope {
  const envelope = JSON.parse(readFileSync(path.join(SCHEMAS, fixture), 'utf8')) as Envelope;
  envelope.id = randomUUID();
  envelope.source = `urn:nld:oin:${registry.get(sender)!.oin}:systeem:test`;
  envelope.data.zaakReferenties = zaakReferenties;
  delete envelope.data.relatesTo;
  change(envelope.data.payload);
  return envelope;
}

const POLICE_NUMBER = { politieRegistratienummer: 'PL2100-2026113017' };
const ZSM_CASE = { zsmZaakId: 'ZSM-OB-2026-004211' };
/** Arrested 22:00 Dutch time: the ZSM deadline is 16:00 the next day (Sv art. 61). */
const ARRESTED_AT = '2026-11-23T22:00:00+01:00';
const ACCEPTED_AT = new Date('2026-11-23T22:30:00+01:00');

describe('case threads through the gateway handlers', () => {
  let fixture: HandlerFixture;
  let ledger: CaseLedger;
  let handlers: HubHandlers;

  beforeAll(async () => {
    fixture = await HandlerFixture.create();
  });

  beforeEach(() => {
    ledger = new CaseLedger();
    handlers = fixture.handlers(ledger, { now: () => ACCEPTED_AT });
  });

  /** Submits like a partner; the chunk's state commits as the pipeline would. */
  async function submit(envelope: Envelope, sender: string): Promise<readonly OutboundRecord[]> {
    const records = await handlers.submissions.handle(
      await fixture.submission({
        value: JSON.stringify(envelope),
        signer: sender,
        topic: topics.inbound(sender),
      }),
    );
    ledger.commit();
    return records;
  }

  async function tick(now: string): Promise<readonly OutboundRecord[]> {
    const records = await handlers.clock.handle(fixture.tick(now));
    ledger.commit();
    return records;
  }

  /**
   * What `samenloop parked release` does: the parked record's value, the sender's encrypted and
   * signed message as received, submitted again unchanged on the inbound topic it came from.
   */
  async function release(parked: OutboundRecord): Promise<readonly OutboundRecord[]> {
    const headers = parked.headers ?? {};
    const records = await handlers.submissions.handle({
      topic: String(headers[PARKED_HEADERS.sourceTopic]),
      partition: 0,
      offset: '99',
      key: Buffer.from(String(parked.key)),
      value: Buffer.from(parked.value!),
      headers: {},
      timestamp: '0',
    });
    ledger.commit();
    return records;
  }

  const parkedIn = (records: readonly OutboundRecord[]) =>
    records.filter((record) => record.topic === topics.parked);

  const deliveredTo = async (records: readonly OutboundRecord[], partnerId: string) =>
    Promise.all(
      records
        .filter((record) => record.topic === topics.delivery(partnerId))
        .map((record) => fixture.open(record, partnerId)),
    );

  /** The payload paths an alert to `partnerId` carried, delivered or withheld by the policy. */
  const alertPaths = (records: readonly OutboundRecord[], partnerId: string) =>
    records
      .filter((record) => record.topic === topics.audit)
      .map(
        (record) =>
          JSON.parse(String(record.value)) as {
            sender: string;
            recipient: string;
            deliveredFields: string[];
            withheldFields: { path: string }[];
          },
      )
      .filter((audit) => audit.sender === 'SAMENLOOP' && audit.recipient === partnerId)
      .flatMap((audit) => [
        ...audit.deliveredFields,
        ...audit.withheldFields.map((field) => field.path),
      ]);

  const entry = () =>
    message(ENTRY, 'POLITIE-OB', { ...POLICE_NUMBER, ...ZSM_CASE }, (payload) => {
      (payload.aanhouding as Record<string, unknown>).tijdstip = ARRESTED_AT;
    });

  it("threads the early ZSM entry and the later zorgmelding, and VT's delivery names the earlier one", async () => {
    const [early] = await deliveredTo(await submit(entry(), 'POLITIE-OB'), 'VT-ZOB');
    const [late] = await deliveredTo(
      await submit(message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER), 'POLITIE-OB'),
      'VT-ZOB',
    );

    expect(early).toMatchObject({ messageType: 'nl.samenloop.verdachtenmonitor-entry' });
    expect(late).toMatchObject({
      messageType: 'nl.samenloop.zorgmelding',
      caseThread: {
        caseKey: (early!.caseThread as { caseKey: string }).caseKey,
        fase: 'zsm',
        relatedDeliveries: [early!.deliveryId],
      },
    });
  });

  it('rejects a message that would make a forbidden stage transition and delivers nothing of it', async () => {
    const records = await submit(
      message(BEOORDELING, 'VT-ZOB', { zsmZaakId: 'ZSM-OB-2026-009999' }),
      'VT-ZOB',
    );

    expect(records.map((record) => record.topic).sort()).toEqual([
      topics.audit,
      topics.deadLetter,
      topics.delivery('VT-ZOB'),
    ]);
    const [rejection] = await deliveredTo(records, 'VT-ZOB');
    expect(rejection).toMatchObject({
      errors: [
        {
          code: 'invalid-stage-transition',
          message: expect.stringContaining('for a case the hub does not know') as unknown,
        },
      ],
    });
  });

  it('routes nothing in a closed case', async () => {
    await submit(entry(), 'POLITIE-OB');
    const closing = await submit(message(AFSLUITING, 'OM', ZSM_CASE), 'OM');
    expect((await deliveredTo(closing, 'VT-ZOB'))[0]).toMatchObject({
      messageType: 'nl.samenloop.zaakafsluiting',
      caseThread: { fase: 'gesloten' },
    });

    const late = await submit(message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER), 'POLITIE-OB');

    expect(await deliveredTo(late, 'VT-ZOB')).toEqual([]);
    expect(await deliveredTo(late, 'POLITIE-OB')).toMatchObject([
      { errors: [{ code: 'invalid-stage-transition' }] },
    ]);
  });

  it("rejects a message type the sender's kind may not send, including the hub's own alerts", async () => {
    const fromVt = await submit(message(ZORGMELDING, 'VT-ZOB', POLICE_NUMBER), 'VT-ZOB');
    const [alertFixture] = readdirSync(path.join(SCHEMAS, ZSM_ALERT_DIRECTORY)).sort();
    const forgedAlert = message(`${ZSM_ALERT_DIRECTORY}/${alertFixture}`, 'POLITIE-OB', ZSM_CASE);
    const fromPolice = await submit(forgedAlert, 'POLITIE-OB');

    expect(await deliveredTo(fromVt, 'VT-ZOB')).toMatchObject([
      { errors: [{ code: 'sender-not-allowed', path: '/type' }] },
    ]);
    expect(await deliveredTo(fromPolice, 'POLITIE-OB')).toMatchObject([
      { errors: [{ code: 'sender-not-allowed' }] },
    ]);
    expect(await deliveredTo(fromPolice, 'OM')).toEqual([]);
  });

  it('parks a message for a municipality no VT serves, alerts the operator and tells the sender', async () => {
    const zorgmelding = message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER, (payload) => {
      (
        (payload.huishouden as Record<string, unknown>).adres as Record<string, unknown>
      ).gemeentecode = 'GM0999';
    });
    const records = await submit(zorgmelding, 'POLITIE-OB');

    const parked = records.filter((record) => record.topic === topics.parked);
    expect(parked).toHaveLength(1);
    expect(parked[0]!.key).toBe(zorgmelding.id);
    // Kept as received: still the sender's ciphertext, which only the hub opens.
    expect(parked[0]!.value?.toString()).not.toContain(zorgmelding.id);
    expect(await fixture.plaintextOf(parked[0]!.value!)).toBe(JSON.stringify(zorgmelding));
    expect(parked[0]!.headers).toMatchObject({
      [PARKED_HEADERS.reason]: 'gemeente-onbekend',
      [PARKED_HEADERS.scope]: 'bericht',
      [PARKED_HEADERS.sourceTopic]: topics.inbound('POLITIE-OB'),
    });
    expect(await deliveredTo(records, 'SAMENLOOP-BEHEER')).toMatchObject([
      {
        sender: 'SAMENLOOP',
        messageType: 'nl.samenloop.routering-geparkeerd',
        payload: { messageId: zorgmelding.id, reden: 'gemeente-onbekend', gemeentecode: 'GM0999' },
      },
    ]);
    expect(await deliveredTo(records, 'POLITIE-OB')).toMatchObject([
      { messageId: zorgmelding.id, deliveredTo: [], geparkeerd: { reden: 'gemeente-onbekend' } },
    ]);
    for (const partner of ['VT-ZOB', 'VT-BNO', 'OM', 'RVDK', '3RO'])
      expect(await deliveredTo(records, partner)).toEqual([]);
    expect(ledger.caseOfMessage(zorgmelding.id)).toBeUndefined();
  });

  it("gives VT's feedback to the organisation that reported the case, and to no one else", async () => {
    await submit(message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER), 'POLITIE-OB');
    const records = await submit(
      message(TERUGKOPPELING, 'VT-ZOB', { ...POLICE_NUMBER, vtZaakReferentie: 'VT-ZOB-2026-0815' }),
      'VT-ZOB',
    );

    expect(await deliveredTo(records, 'POLITIE-OB')).toMatchObject([
      {
        messageType: 'nl.samenloop.terugkoppeling-aan-melder',
        niveau: 'inhoud',
        grondslag: { ruleIds: ['tk.politie.melder'] },
      },
    ]);
    for (const partner of ['OM', 'RVDK', '3RO', 'VT-BNO', 'SAMENLOOP-BEHEER'])
      expect(await deliveredTo(records, partner)).toEqual([]);
  });

  it('sends the afdoeningsbeslissing back to VT, 3RO and RVDK without anyone asking', async () => {
    await submit(entry(), 'POLITIE-OB');
    const records = await submit(
      message(AFDOENING, 'OM', { ...ZSM_CASE, parketnummer: '01/214387-26' }),
      'OM',
    );

    for (const partner of ['VT-ZOB', '3RO', 'RVDK'])
      expect(await deliveredTo(records, partner)).toMatchObject([
        { messageType: 'nl.samenloop.afdoeningsbeslissing', niveau: 'inhoud' },
      ]);
  });

  it('raises the ZSM alarm to OM and the VT concerned at the margin, once, as a policy-governed delivery', async () => {
    await submit(entry(), 'POLITIE-OB');

    expect(await tick('2026-11-24T13:59:00+01:00')).toEqual([]);
    const raised = await tick('2026-11-24T14:00:00+01:00');
    const again = await tick('2026-11-24T14:05:00+01:00');

    for (const partner of ['OM', 'VT-ZOB'])
      expect(await deliveredTo(raised, partner)).toMatchObject([
        {
          sender: 'SAMENLOOP',
          messageType: 'nl.samenloop.zsm-termijn-signalering',
          payload: {
            zsmZaakId: 'ZSM-OB-2026-004211',
            termijnEindigtOp: '2026-11-24T16:00:00.000+01:00',
            margeMinuten: 120,
          },
          caseThread: { fase: 'zsm' },
        },
      ]);
    expect(raised.filter((record) => record.topic === topics.audit).length).toBe(
      registry.partners.length,
    );
    for (const partner of ['VT-BNO', 'POLITIE-OB', '3RO', 'RVDK'])
      expect(await deliveredTo(raised, partner)).toEqual([]);
    expect(again).toEqual([]);
  });

  it('raises no ZSM alarm when the assessment reached OM in time', async () => {
    await submit(entry(), 'POLITIE-OB');
    await submit(message(BEOORDELING, 'VT-ZOB', ZSM_CASE), 'VT-ZOB');

    expect(await tick('2026-11-24T14:00:00+01:00')).toEqual([]);
  });

  it('alerts POLITIE and the VT concerned when the zorgmelding has not come after the wait', async () => {
    await submit(entry(), 'POLITIE-OB');
    await submit(message(BEOORDELING, 'VT-ZOB', ZSM_CASE), 'VT-ZOB');

    expect(await tick('2026-11-24T22:29:00+01:00')).toEqual([]);
    const raised = await tick('2026-11-24T22:30:00+01:00');

    for (const partner of ['POLITIE-OB', 'VT-ZOB'])
      expect(await deliveredTo(raised, partner)).toMatchObject([
        {
          messageType: 'nl.samenloop.zorgmelding-ontbreekt',
          payload: { politieRegistratienummer: 'PL2100-2026113017', wachttijdMinuten: 1440 },
        },
      ]);
  });

  it('raises nothing for a zorgmelding that came in time', async () => {
    await submit(entry(), 'POLITIE-OB');
    await submit(message(BEOORDELING, 'VT-ZOB', ZSM_CASE), 'VT-ZOB');
    await submit(message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER), 'POLITIE-OB');

    expect(await tick('2026-11-25T12:00:00+01:00')).toEqual([]);
  });

  it('flags a message that links two threads to the operator', async () => {
    await submit(message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER), 'POLITIE-OB');
    await submit(
      message(ENTRY, 'POLITIE-OB', ZSM_CASE, (payload) => {
        (payload.aanhouding as Record<string, unknown>).tijdstip = ARRESTED_AT;
      }),
      'POLITIE-OB',
    );
    const linking = message(BEOORDELING, 'VT-ZOB', { ...POLICE_NUMBER, ...ZSM_CASE });
    const records = await submit(linking, 'VT-ZOB');

    expect(await deliveredTo(records, 'SAMENLOOP-BEHEER')).toMatchObject([
      {
        messageType: 'nl.samenloop.koppeling-conflict',
        payload: { messageId: linking.id, afzender: 'VT-ZOB' },
      },
    ]);
  });

  describe('need-to-know per case, not per message', () => {
    /** An entry whose suspect lives, and was arrested, in VT-BNO's region ('s-Hertogenbosch). */
    const entryOfExPartner = (household?: string) =>
      message(ENTRY, 'POLITIE-OB', { ...POLICE_NUMBER, ...ZSM_CASE }, (payload) => {
        const verdachte = payload.verdachte as Record<string, unknown>;
        verdachte.adres = { woonplaats: "'s-Hertogenbosch", gemeentecode: 'GM0796' };
        payload.aanhouding = {
          ...(payload.aanhouding as object),
          tijdstip: ARRESTED_AT,
          locatie: { woonplaats: "'s-Hertogenbosch", gemeentecode: 'GM0796' },
        };
        if (household) payload.huishouden = { gemeentecode: household };
        else delete payload.huishouden;
      });

    it("lets the household, never the suspect's address, decide the VT", async () => {
      const records = await submit(entryOfExPartner('GM0772'), 'POLITIE-OB');

      expect(await deliveredTo(records, 'VT-ZOB')).toMatchObject([
        { messageType: 'nl.samenloop.verdachtenmonitor-entry', niveau: 'inhoud' },
      ]);
      expect(await deliveredTo(records, 'VT-BNO')).toEqual([]);
      const afdoening = await submit(message(AFDOENING, 'OM', ZSM_CASE), 'OM');
      expect(await deliveredTo(afdoening, 'VT-ZOB')).toHaveLength(1);
      expect(await deliveredTo(afdoening, 'VT-BNO')).toEqual([]);
    });

    it('takes the household from the thread when the entry does not know it', async () => {
      await submit(message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER), 'POLITIE-OB');
      const records = await submit(entryOfExPartner(), 'POLITIE-OB');

      expect(await deliveredTo(records, 'VT-ZOB')).toHaveLength(1);
      expect(await deliveredTo(records, 'VT-BNO')).toEqual([]);
    });

    it('adds a second household municipality, never replaces one, alerts the operator and lets both VTs receive', async () => {
      await submit(message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER), 'POLITIE-OB');
      const moved = entryOfExPartner('GM0828');
      const records = await submit(moved, 'POLITIE-OB');

      expect(await deliveredTo(records, 'VT-ZOB')).toHaveLength(1);
      expect(await deliveredTo(records, 'VT-BNO')).toHaveLength(1);
      expect(await deliveredTo(records, 'SAMENLOOP-BEHEER')).toMatchObject([
        {
          messageType: 'nl.samenloop.koppeling-conflict',
          payload: {
            messageId: moved.id,
            bekendeGemeentecodes: ['GM0772'],
            nieuweGemeentecodes: ['GM0828'],
          },
        },
      ]);
      expect(ledger.caseRecord(ledger.caseOfMessage(moved.id)!)?.facts.gemeentecodes).toEqual([
        'GM0772',
        'GM0828',
      ]);
    });

    describe('an entry without the household: the others at once, only the part for VT held', () => {
      const OTHERS = ['OM', 'RVDK', '3RO'];

      it('routes it to OM, RVDK and 3RO with the ZSM alarm set, holds only the part for VT and tells the operator and the sender', async () => {
        const withoutHousehold = entryOfExPartner();
        const records = await submit(withoutHousehold, 'POLITIE-OB');

        for (const partner of OTHERS)
          expect(await deliveredTo(records, partner)).toMatchObject([
            {
              messageType: 'nl.samenloop.verdachtenmonitor-entry',
              messageId: withoutHousehold.id,
              niveau: 'inhoud',
            },
          ]);
        for (const partner of ['VT-ZOB', 'VT-BNO'])
          expect(await deliveredTo(records, partner)).toEqual([]);
        const caseKey = ledger.caseOfMessage(withoutHousehold.id);
        expect(caseKey).toBeDefined();
        const [parked, ...more] = parkedIn(records);
        expect(more).toEqual([]);
        expect(parked!.key).toBe(withoutHousehold.id);
        expect(await fixture.plaintextOf(parked!.value!)).toBe(JSON.stringify(withoutHousehold));
        expect(parked!.headers).toMatchObject({
          [PARKED_HEADERS.scope]: 'vt',
          [PARKED_HEADERS.reason]: 'gemeente-ontbreekt',
          [PARKED_HEADERS.caseKey]: caseKey,
        });
        expect(await deliveredTo(records, 'SAMENLOOP-BEHEER')).toMatchObject([
          {
            messageType: 'nl.samenloop.routering-geparkeerd',
            payload: { messageId: withoutHousehold.id, reden: 'gemeente-ontbreekt' },
            caseThread: { caseKey },
          },
        ]);
        const [receipt, ...otherAnswers] = await deliveredTo(records, 'POLITIE-OB');
        expect(otherAnswers).toEqual([]);
        expect(validator.validateDocument('receipt', receipt)).toMatchObject({ ok: true });
        expect(receipt).toMatchObject({
          messageId: withoutHousehold.id,
          caseKey,
          fase: 'zsm',
          geparkeerd: {
            reden: 'gemeente-ontbreekt',
            deel: 'veilig-thuis',
            toelichting: expect.stringMatching(/^The part for Veilig Thuis is held: /) as unknown,
          },
        });
        expect(
          (receipt!.deliveredTo as { recipient: string }[]).map((entry) => entry.recipient),
        ).toEqual(OTHERS);
        expect(ledger.caseRecord(caseKey!)?.heldForVt).toHaveProperty([withoutHousehold.id]);

        // Sv art. 61: OM's clock runs from the arrest, not from when the VT question is settled.
        expect(await deliveredTo(await tick('2026-11-24T14:00:00+01:00'), 'OM')).toMatchObject([
          { messageType: 'nl.samenloop.zsm-termijn-signalering' },
        ]);
      });

      it('tells the operator when a later message names the household, then releases the part to VT-ZOB alone, once', async () => {
        const withoutHousehold = entryOfExPartner();
        const [parked] = parkedIn(await submit(withoutHousehold, 'POLITIE-OB'));
        const zorgmelding = message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER);
        const named = await submit(zorgmelding, 'POLITIE-OB');
        const caseKey = ledger.caseOfMessage(withoutHousehold.id);
        const [zorgmeldingAtVt] = await deliveredTo(named, 'VT-ZOB');
        expect(zorgmeldingAtVt).toMatchObject({ messageType: 'nl.samenloop.zorgmelding' });
        expect(await deliveredTo(named, 'SAMENLOOP-BEHEER')).toMatchObject([
          {
            messageType: 'nl.samenloop.koppeling-conflict',
            payload: { messageId: zorgmelding.id, caseKey, nieuweGemeentecodes: ['GM0772'] },
          },
        ]);
        // The alert names the held message; the operator sees it where the policy lists the field.
        expect(alertPaths(named, 'SAMENLOOP-BEHEER')).toContain('/vtDeelGehouden');

        const released = await release(parked!);

        const [entryAtVt, ...again] = await deliveredTo(released, 'VT-ZOB');
        expect(again).toEqual([]);
        expect(entryAtVt).toMatchObject({
          messageId: withoutHousehold.id,
          messageType: 'nl.samenloop.verdachtenmonitor-entry',
          niveau: 'inhoud',
          caseThread: {
            caseKey,
            fase: 'zsm',
            relatedDeliveries: [zorgmeldingAtVt!.deliveryId],
          },
        });
        for (const partner of [...OTHERS, 'VT-BNO', 'SAMENLOOP-BEHEER'])
          expect(await deliveredTo(released, partner)).toEqual([]);
        expect(parkedIn(released)).toEqual([]);
        const decisions = released
          .filter((record) => record.topic === topics.audit)
          .map((record) => JSON.parse(String(record.value)) as Record<string, unknown>);
        expect(decisions.map(({ recipient, level }) => ({ recipient, level }))).toEqual([
          { recipient: 'VT-BNO', level: 'geen' },
          { recipient: 'VT-ZOB', level: 'inhoud' },
        ]);
        expect(await deliveredTo(released, 'POLITIE-OB')).toMatchObject([
          {
            messageId: withoutHousehold.id,
            caseKey,
            deliveredTo: [{ recipient: 'VT-ZOB', niveau: 'inhoud' }],
          },
        ]);
        expect(ledger.caseRecord(caseKey!)?.heldForVt).toEqual({});

        const twice = await release(parked!);
        expect(await deliveredTo(twice, 'POLITIE-OB')).toMatchObject([
          { errors: [{ code: 'duplicate' }] },
        ]);
        for (const partner of [...OTHERS, 'VT-ZOB', 'VT-BNO'])
          expect(await deliveredTo(twice, partner)).toEqual([]);
      });

      it('holds the part for VT again when it is released before anyone names the household', async () => {
        const withoutHousehold = entryOfExPartner();
        const [parked] = parkedIn(await submit(withoutHousehold, 'POLITIE-OB'));

        const released = await release(parked!);

        for (const partner of [...OTHERS, 'VT-ZOB', 'VT-BNO'])
          expect(await deliveredTo(released, partner)).toEqual([]);
        expect(parkedIn(released)).toMatchObject([
          { key: withoutHousehold.id, headers: { [PARKED_HEADERS.scope]: 'vt' } },
        ]);
        expect(await deliveredTo(released, 'SAMENLOOP-BEHEER')).toMatchObject([
          { messageType: 'nl.samenloop.routering-geparkeerd' },
        ]);
        expect(await deliveredTo(released, 'POLITIE-OB')).toMatchObject([
          { deliveredTo: [], geparkeerd: { reden: 'gemeente-ontbreekt', deel: 'veilig-thuis' } },
        ]);
        const caseKey = ledger.caseOfMessage(withoutHousehold.id)!;
        expect(ledger.caseRecord(caseKey)?.heldForVt).toHaveProperty([withoutHousehold.id]);
      });

      it('never releases other content under the id of a held part', async () => {
        const withoutHousehold = entryOfExPartner();
        await submit(withoutHousehold, 'POLITIE-OB');
        await submit(message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER), 'POLITIE-OB');
        const altered = structuredClone(withoutHousehold);
        (altered.data.payload.aanhouding as Record<string, unknown>).tijdstip =
          '2026-11-23T21:00:00+01:00';

        const records = await submit(altered, 'POLITIE-OB');

        expect(await deliveredTo(records, 'VT-ZOB')).toEqual([]);
        expect(await deliveredTo(records, 'POLITIE-OB')).toMatchObject([
          { errors: [{ code: 'duplicate' }] },
        ]);
      });
    });

    it('keeps a fact a later message does not state: an assessment without children leaves minors involved', async () => {
      await submit(entry(), 'POLITIE-OB');
      await submit(
        message(BEOORDELING, 'VT-ZOB', ZSM_CASE, (payload) => delete payload.kinderenInBeeld),
        'VT-ZOB',
      );
      const records = await submit(message(AFDOENING, 'OM', ZSM_CASE), 'OM');

      expect(await deliveredTo(records, 'RVDK')).toMatchObject([
        { messageType: 'nl.samenloop.afdoeningsbeslissing', niveau: 'inhoud' },
      ]);
    });

    it('retracts a fact only by a correction from a partner of the thread, and audits it', async () => {
      await submit(entry(), 'POLITIE-OB');
      const correction = (sender: string) =>
        message(
          'zaakfeiten-correctie/examples/valid/vt-geen-kinderen-in-het-gezin.json',
          sender,
          ZSM_CASE,
        );
      const fromOutsider = await submit(correction('VT-BNO'), 'VT-BNO');
      expect(await deliveredTo(fromOutsider, 'VT-BNO')).toMatchObject([
        { errors: [{ code: 'sender-not-allowed' }] },
      ]);

      const corrected = await submit(correction('POLITIE-OB'), 'POLITIE-OB');
      const audit = corrected
        .filter((record) => record.topic === topics.audit)
        .map((record) => JSON.parse(String(record.value)) as { kind: string; retracted?: string[] })
        .find((record) => record.kind === 'facts-corrected');
      expect(audit).toMatchObject({ retracted: ['minorsInvolved', 'raadBetrokken'] });
      const records = await submit(message(AFDOENING, 'OM', ZSM_CASE), 'OM');
      expect(await deliveredTo(records, 'RVDK')).toEqual([]);
    });

    it('audits a rejection in a closed case with its codes, no values', async () => {
      await submit(entry(), 'POLITIE-OB');
      await submit(message(AFSLUITING, 'OM', ZSM_CASE), 'OM');
      const late = message(ZORGMELDING, 'POLITIE-OB', POLICE_NUMBER);
      const records = await submit(late, 'POLITIE-OB');

      const audits = records
        .filter((record) => record.topic === topics.audit)
        .map((record) => JSON.parse(String(record.value)) as Record<string, unknown>);
      expect(audits).toEqual([
        expect.objectContaining({
          kind: 'rejection',
          messageId: late.id,
          sender: 'POLITIE-OB',
          step: 'stage',
          codes: ['invalid-stage-transition'],
        }),
      ]);
      expect(JSON.stringify(audits)).not.toContain('Hoogstraten');
    });
  });

  it('dead-letters a clock tick it cannot read, and keeps running', async () => {
    const unreadable = { topic: topics.clock, key: Buffer.from('clock'), value: Buffer.from('x') };
    await expect(
      handlers.clock.handle({
        ...unreadable,
        partition: 0,
        offset: '1',
        headers: { [RECORD_MAC_HEADER]: new RecordMac(fixture.hubSecret).of(unreadable) },
        timestamp: '0',
      }),
    ).rejects.toThrow('a clock tick must be JSON {"now": "<ISO 8601 time>"}');
  });

  it('applies no tick the hub did not write: a forged tick from 2099 raises nothing and moves no time', async () => {
    await submit(entry(), 'POLITIE-OB');
    const in2099 = fixture.tick('2099-01-01T00:00:00Z');
    // The MAC of a genuine earlier tick, copied onto the forgery.
    const copiedMac = fixture.tick('2026-11-24T13:00:00+01:00').headers[RECORD_MAC_HEADER];
    const forgeries = [
      { ...in2099, headers: {} },
      { ...in2099, headers: { [RECORD_MAC_HEADER]: copiedMac } },
    ];

    for (const forged of forgeries)
      await expect(handlers.clock.handle(forged)).rejects.toThrow(ForgedRecordError);
    expect(handlers.clock.now).toEqual(new Date(0));
    // The hub's own tick still raises the alarm at its margin.
    expect(await deliveredTo(await tick('2026-11-24T14:00:00+01:00'), 'OM')).toMatchObject([
      { messageType: 'nl.samenloop.zsm-termijn-signalering' },
    ]);
  });
});
