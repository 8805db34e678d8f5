import { requestBody } from '../support/connector-submission';
import { csvText } from '../support/csv-text';
import type { HandledFile } from '../support/connector-files';
import { FileChain } from '../support/file-chain';
import { produce, testKafka } from '../support/kafka-test-kit';
import { policeNumber, registry, submissionFrom, zsmCaseId } from '../support/partner-kit';
import { deliveredFields, explainedFields } from '../support/policy-fields';
import { runningHub } from '../support/running-hub';

const VERDACHTENMONITOR =
  'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json';
const VEILIGHEIDSBEOORDELING =
  'veiligheidsbeoordeling/examples/valid/kindermishandeling-met-vertrouwensartsbevindingen.json';

/**
 * VT-ZOB's case system exports its veiligheidsbeoordeling for a suspect at ZSM as a file in its
 * connector's export inbox (a process of the real bundle, on the real broker and gateway): the hub
 * delivers it to the partners its policy names, each with the policy's fields, and VT-ZOB's own
 * documents — the verdachtenmonitor entry, the receipt — land in its outbox.
 */
describe('VT exports through the VT connector', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');
  let chain: FileChain;
  const others = registry.partners.map(({ id }) => id).filter((id) => id !== 'VT-ZOB');

  beforeAll(async () => {
    chain = await FileChain.start(kafka, running, ['VT-ZOB'], others);
  });

  afterAll(async () => {
    await chain?.stop();
  });

  /** A suspect at ZSM (household in Eindhoven, VT-ZOB's), put on Kafka by the police's own system. */
  const suspectAtZsm = async () => {
    const zsmZaakId = zsmCaseId();
    const politieRegistratienummer = policeNumber();
    const entry = submissionFrom(VERDACHTENMONITOR, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer, zsmZaakId },
      payload: { '/zsmZaakId': zsmZaakId },
    });
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), [
      await running.scenario.partners.sealed('POLITIE-OB', entry, politieRegistratienummer),
    ]);
    await chain.outboxes['VT-ZOB'].until(
      (documents) =>
        documents.find(
          ({ type, document }) => type === 'delivery' && document.messageId === entry.id,
        ),
      'the verdachtenmonitor entry in VT-ZOB’s outbox',
    );
    return { entry, zsmZaakId };
  };

  /** VT-ZOB's answers from the hub to what it submitted: receipts and rejections. */
  const answers = () =>
    chain.outboxes['VT-ZOB'].documents().filter(({ type }) => type !== 'delivery');

  /**
   * Waits for the hub's answer to VT-ZOB's export in its outbox (the first not in `before`): a receipt,
   * then expects every partner to have received what `policy explain --case` says, and nothing
   * when it says nothing.
   */
  const expectDeliveredAsThePolicySays = async (
    handled: HandledFile,
    before: readonly string[],
    submitted: object,
    earlier: object[],
  ) => {
    expect(handled.outcome).toBe('processed');
    const receipt = await chain.outboxes['VT-ZOB'].until(
      () => answers().find(({ id }) => !before.includes(id)),
      "the hub's answer to VT-ZOB's export",
    );
    expect({ type: receipt.type, errors: receipt.document.errors }).toEqual({
      type: 'receipt',
      errors: undefined,
    });
    const messageId = String(receipt.document.messageId);
    const explained = Object.fromEntries(
      others.map((partner) => [partner, explainedFields(submitted, partner, earlier)]),
    );
    const recipients = others.filter((partner) => explained[partner]!.level !== 'geen').sort();
    expect(recipients).toEqual(['3RO', 'OM', 'POLITIE-OB', 'RVDK']);
    expect(
      (receipt.document.deliveredTo as { recipient: string }[])
        .map(({ recipient }) => recipient)
        .sort(),
    ).toEqual(recipients);
    const deliveries: Record<string, Record<string, unknown>> = {};
    for (const partner of recipients) {
      const delivered = await chain.watcher.until(
        () =>
          chain.watcher
            .deliveries(partner, 'veiligheidsbeoordeling')
            .find((document) => document.messageId === messageId),
        `the veiligheidsbeoordeling at ${partner}`,
      );
      expect({ partner, ...deliveredFields(delivered) }).toEqual({
        partner,
        deliver: explained[partner]!.deliver,
        share: explained[partner]!.share,
      });
      deliveries[partner] = delivered;
    }
    for (const partner of others.filter((id) => !recipients.includes(id)))
      expect(
        chain.watcher
          .deliveries(partner, 'veiligheidsbeoordeling')
          .filter((document) => document.messageId === messageId),
      ).toEqual([]);
    return deliveries;
  };

  it('submits a JSON export and the hub delivers it to the partners the policy names', async () => {
    const { entry, zsmZaakId } = await suspectAtZsm();
    const beoordeling = submissionFrom(VEILIGHEIDSBEOORDELING, {
      sender: 'VT-ZOB',
      zaakReferenties: { zsmZaakId, vtZaakReferentie: 'VT-ZOB-2026-0412' },
      // Never leaves VT: the hub would reject the export (x-samenloop-never-share).
      payload: { '/vertrouwensartsBevindingen': undefined },
    });
    const before = answers().map(({ id }) => id);

    const handled = await chain.exportInbox.drop(
      'veiligheidsbeoordeling-0412.json',
      JSON.stringify(requestBody(beoordeling)),
    );

    await expectDeliveredAsThePolicySays(handled, before, beoordeling, [entry]);
  });

  it('submits each row of a CSV export mapped to a veiligheidsbeoordeling, delivered as the policy says', async () => {
    const { entry, zsmZaakId } = await suspectAtZsm();
    // What a VT system's CSV export holds (deploy/export-kolommen/vt-veiligheidsbeoordeling.yaml).
    const row: Record<string, string> = {
      'Zaaknummer VT': 'VT-ZOB-2026-0413',
      'ZSM-zaaknummer': zsmZaakId,
      'Datum beoordeling': '26-11-2026 08:45',
      Beoordelaar: 'S. Bekkers',
      'Functie beoordelaar': 'gedragswetenschapper, Veilig Thuis Zuidoost-Brabant',
      'Telefoon beoordelaar': '+31 40 600 2031',
      'E-mail beoordelaar': 's.bekkers@vt-zob.test',
      'Acute onveiligheid': 'ja',
      'Structurele onveiligheid': 'Ja',
      Samenvatting: 'De kinderen zijn acuut onveilig als de vader terugkeert naar de woning.',
      'Risicofactor 1': 'fysiek geweld tegen een jong kind',
      'Risicofactor 2': 'ontkenning door de vader',
      'Voorwaarde 1': 'Contactverbod',
      'Voorwaarde 2': 'Meewerken aan hulpverlening',
      Context: 'Melding door de school na letsel bij een kind.',
    };
    // The same, as the submission the connector makes of it.
    const mapped = submissionFrom(VEILIGHEIDSBEOORDELING, {
      sender: 'VT-ZOB',
      zaakReferenties: { vtZaakReferentie: 'VT-ZOB-2026-0413', zsmZaakId },
    });
    (mapped.data as Record<string, unknown>).payload = {
      beoordelaar: {
        naam: 'S. Bekkers',
        functie: 'gedragswetenschapper, Veilig Thuis Zuidoost-Brabant',
        telefoonnummer: '+31 40 600 2031',
        email: 's.bekkers@vt-zob.test',
      },
      conclusie: {
        acuteOnveiligheid: true,
        structureleOnveiligheid: 'ja',
        samenvatting: row.Samenvatting,
      },
      risicofactoren: [row['Risicofactor 1'], row['Risicofactor 2']],
      geadviseerdeVoorwaarden: [
        { voorwaarde: 'contactverbod' },
        { voorwaarde: 'meewerken-aan-hulpverlening' },
      ],
      context: row.Context,
    };
    const before = answers().map(({ id }) => id);

    const handled = await chain.exportInbox.drop(
      'veiligheidsbeoordelingen-20261126.csv',
      csvText([Object.keys(row), Object.values(row)]),
    );

    expect(handled.summary).toMatchObject({ submitted: 1 });
    expect(handled.problems).toBe(0);
    const delivered = await expectDeliveredAsThePolicySays(handled, before, mapped, [entry]);
    expect(delivered.OM!.payload).toEqual({
      beoordelaar: (mapped.data as { payload: { beoordelaar: unknown } }).payload.beoordelaar,
      conclusie: (mapped.data as { payload: { conclusie: unknown } }).payload.conclusie,
      risicofactoren: [row['Risicofactor 1'], row['Risicofactor 2']],
      geadviseerdeVoorwaarden: [
        { voorwaarde: 'contactverbod' },
        { voorwaarde: 'meewerken-aan-hulpverlening' },
      ],
    });
  });
});
