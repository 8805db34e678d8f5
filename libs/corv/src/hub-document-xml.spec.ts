import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HUB_DOCUMENT_TYPES, type HubDocumentType } from '@samenloop/contracts';
import { zorgmeldingPayload } from './corv-zorgmelding';
import { AFLEVERING_CHECK, hubDocumentXml } from './hub-document-xml';
import { parseXml } from './xml-document';
import { xsdProblems } from './xsd-validation';

const SCHEMAS = path.resolve(__dirname, '../../../schemas');

type HubDocument = Record<string, unknown>;

function validExamples(type: HubDocumentType): [string, HubDocument][] {
  const folder = path.join(SCHEMAS, type, 'examples/valid');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => [
      name,
      JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as HubDocument,
    ]);
}

const zorgmeldingDelivery = (): HubDocument =>
  validExamples('delivery').find(([name]) => name.startsWith('zorgmelding'))?.[1] ?? {};

function deliveredZorgmelding(xml: string): unknown {
  const aflevering = parseXml(xml).Aflevering as { Inhoud: { Zorgmelding: unknown } };
  return zorgmeldingPayload(aflevering.Inhoud.Zorgmelding);
}

describe(hubDocumentXml.name, () => {
  const cases = HUB_DOCUMENT_TYPES.flatMap((type) =>
    validExamples(type).map(([name, document]) => [type, name, document] as const),
  );

  it.each(cases)(
    'renders the %s %s valid against the aflevering XSD',
    async (type, _name, document) => {
      await expect(xsdProblems(hubDocumentXml(document, type), AFLEVERING_CHECK)).resolves.toEqual(
        [],
      );
    },
  );

  it("renders a zorgmelding delivery's payload as a Zorgmelding that reads back exactly", () => {
    const delivery = zorgmeldingDelivery();

    expect(deliveredZorgmelding(hubDocumentXml(delivery, 'delivery'))).toEqual(delivery.payload);
  });

  it('takes a zorgmelding that policy filtered down, with required fields left out', async () => {
    const delivery = zorgmeldingDelivery();
    const {
      melder: _melder,
      betrokkenen,
      ...payload
    } = delivery.payload as {
      melder: unknown;
      betrokkenen: { rol: string }[];
    };
    const filtered = { ...payload, betrokkenen: betrokkenen.map(({ rol }) => ({ rol })) };

    const xml = hubDocumentXml({ ...delivery, payload: filtered }, 'delivery');

    await expect(xsdProblems(xml, AFLEVERING_CHECK)).resolves.toEqual([]);
    expect(deliveredZorgmelding(xml)).toEqual(filtered);
  });

  it('heads the file with the ids, parties, level and times a case system routes by', () => {
    const delivery = zorgmeldingDelivery();

    const kop = (parseXml(hubDocumentXml(delivery, 'delivery')).Aflevering as { Kop: unknown }).Kop;

    expect(kop).toEqual({
      Soort: 'delivery',
      DocumentId: delivery.deliveryId,
      BerichtId: delivery.messageId,
      Berichttype: 'nl.samenloop.zorgmelding',
      Afzender: delivery.sender,
      Ontvanger: delivery.recipient,
      Niveau: 'inhoud',
      Tijdstip: delivery.deliveredAt,
      Gebeurtenis: delivery.occurredAt,
      ZaakReferenties: { PolitieRegistratienummer: expect.any(String) as string },
    });
  });

  it('maps other documents generically: arrays as items, null as nil, odd names as veld', () => {
    const xml = hubDocumentXml(
      {
        rejectionId: '0b6f3f43-2f9c-4d4a-9c55-8d4f4b0f2a10',
        rejectedAt: '2026-12-03T09:00:00Z',
        errors: [{ code: 'not-json', path: '/' }],
        leeg: [],
        niets: null,
        'a b': 1,
      },
      'rejection',
    );

    expect(xml).toContain(
      [
        '  <Document>',
        '    <rejectionId>0b6f3f43-2f9c-4d4a-9c55-8d4f4b0f2a10</rejectionId>',
        '    <rejectedAt>2026-12-03T09:00:00Z</rejectedAt>',
        '    <errors>',
        '      <item>',
        '        <code>not-json</code>',
        '        <path>/</path>',
        '      </item>',
        '    </errors>',
        '    <leeg/>',
        '    <niets nil="true"/>',
        '    <veld naam="a b">1</veld>',
        '  </Document>',
      ].join('\n'),
    );
  });
});
