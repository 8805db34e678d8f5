import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SubmissionBody } from '../submissions/submission-event';
import { loadColumnMap, parseColumnMap } from './column-map';
import { contractErrorsOf } from './fixtures/recording-submissions';
import { readTabularFile, rowContractProblems, type TabularRow } from './tabular-file';

const DEPLOY = path.resolve(__dirname, '../../../../deploy');
const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name));
const obMap = loadColumnMap(path.join(DEPLOY, 'zsm-kolommen/oost-brabant.yaml'));
const zwbMap = loadColumnMap(path.join(DEPLOY, 'zsm-kolommen/zeeland-west-brabant.yaml'));
const vtMap = loadColumnMap(path.join(DEPLOY, 'export-kolommen/vt-veiligheidsbeoordeling.yaml'));
const contractErrors = (body: SubmissionBody | undefined) => contractErrorsOf(body ?? {});

function rowsOf(bytes: Buffer, map = obMap): readonly TabularRow[] {
  const reading = readTabularFile(bytes, map, 'auto');
  if (!reading.readable) throw new Error(reading.problems.join('\n'));
  return reading.rows;
}

const OB_HEADER = fixture('oost-brabant.csv')
  .toString('utf-8')
  .replace(/^\uFEFF/, '')
  .split('\r\n')[0]!;

describe(readTabularFile.name, () => {
  it('maps an Oost-Brabant extract (UTF-8 with BOM, CRLF) to entries that meet the contract', () => {
    const rows = rowsOf(fixture('oost-brabant.csv'));

    expect(rows.map((row) => row.line)).toEqual([2, 3, 5]);
    expect(rows.map((row) => contractErrors(row.body))).toEqual([[], [], []]);
    expect(rows[0]!.body).toEqual({
      type: 'verdachtenmonitor-entry',
      occurredAt: '2026-11-24T14:05:00+01:00',
      zaakReferenties: {
        zsmZaakId: 'ZSM-OB-2026-004301',
        parketnummer: '01/215101-26',
        politieRegistratienummer: 'PL2100-2026120001',
      },
      payload: {
        zsmZaakId: 'ZSM-OB-2026-004301',
        parketnummer: '01/215101-26',
        verdachte: {
          bsn: '999990019',
          naam: { voornamen: 'Jeroen', voorvoegsel: 'van', achternaam: 'Dijk' },
          geboortedatum: '1985-03-14',
          minderjarig: false,
        },
        aanhouding: { soort: 'aangehouden', tijdstip: '2026-11-24T14:05:00+01:00' },
        feit: {
          omschrijving: 'Mishandeling van partner in de woning',
          wetsartikel: 'Sr art. 300',
          voorlopigeHechtenisToegestaan: true,
        },
        huiselijkGeweld: true,
        minderjarigenBetrokken: true,
        status: 'in-verzekering-gesteld',
        relatieTotSlachtoffer: 'partner',
        huishouden: { gemeentecode: 'GM0796' },
        justitieleDocumentatie: { samenvatting: 'Geen eerdere registraties.' },
      },
    });
    // Empty cells leave their fields out; summer time has its own offset.
    expect(rows[1]!.body).toMatchObject({
      occurredAt: '2026-06-25T09:30:00+02:00',
      zaakReferenties: { zsmZaakId: 'ZSM-OB-2026-004302' },
      payload: { aanhouding: { soort: 'ontboden-en-gehoord' }, status: 'heengezonden' },
    });
    expect(rows[1]!.body?.payload).not.toHaveProperty('huishouden');
    expect(rows[1]!.body?.payload).not.toHaveProperty('parketnummer');
  });

  it('maps a Zeeland-West-Brabant extract (Windows-1252, other names, order and formats)', () => {
    const rows = rowsOf(fixture('zeeland-west-brabant.csv'), zwbMap);

    expect(rows.map((row) => contractErrors(row.body))).toEqual([[], []]);
    expect(rows[0]!.body).toMatchObject({
      occurredAt: '2026-07-03T08:45:00+02:00',
      zaakReferenties: { zsmZaakId: 'ZSM-ZWB-2026-000815', parketnummer: '02/401815-26' },
      payload: {
        verdachte: {
          naam: { voornamen: 'Loïs', achternaam: 'Hendriks' },
          geboortedatum: '1988-05-21',
        },
        status: 'in-verzekering-gesteld',
        huiselijkGeweld: true,
        minderjarigenBetrokken: false,
      },
    });
    expect(rows[1]!.body).toMatchObject({
      occurredAt: '2026-12-12T23:10:00+01:00',
      payload: {
        verdachte: { naam: { voornamen: 'René', voorvoegsel: 'de', achternaam: 'Maréchal' } },
      },
    });
  });

  it('fills lists from numbered columns without gaps, over the map constants', () => {
    const [row] = rowsOf(fixture('vt-veiligheidsbeoordeling.csv'), vtMap);

    expect(contractErrors(row!.body)).toEqual([]);
    expect(row!.body).toMatchObject({
      occurredAt: '2026-11-27T08:45:00+01:00',
      zaakReferenties: { vtZaakReferentie: 'VT-ZOB-2026-0815', zsmZaakId: 'ZSM-OB-2026-004303' },
      payload: {
        risicofactoren: ['eerdere bedreiging', 'alcoholgebruik'],
        geadviseerdeVoorwaarden: [
          { voorwaarde: 'contactverbod' },
          { voorwaarde: 'meewerken-aan-hulpverlening' },
        ],
        raadInschakelen: false,
      },
    });
  });

  it('reports a bad row by line and column and what is expected, never the value, and reads the rest', () => {
    const csv = [
      OB_HEADER,
      'ZSM-OB-2026-004310;;;999990056;Eva;;Jansen;31-02-1980;nee;Aangehouden;24-11-2026 14:05;Mishandeling;;ja;misschien;nee;Opgelost;;GM0796;',
      'ZSM-OB-2026-004311;;;999990068;Tim;;Smits;01-01-1980;nee;Aangehouden;24-11-2026 14:05;Mishandeling;;ja;ja;nee;Aangehouden;;GM0796;',
    ].join('\n');

    const rows = rowsOf(Buffer.from(csv));

    expect(rows[0]).toEqual({
      line: 2,
      problems: [
        'line 2, column "Geboortedatum": must be a date as dd-MM-yyyy',
        'line 2, column "HG-indicatie": must be ja or nee (or j/n, waar/onwaar, 1/0)',
        'line 2, column "Status": must be one of: "Aangehouden", "In verzekering gesteld", "Heengezonden", "Voorgeleid", "Afgedaan"',
      ],
    });
    expect(rows[0]!.problems.join()).not.toMatch(/31-02-1980|misschien|Opgelost/);
    expect(rows[1]!.body).toBeDefined();
  });

  it('names the column of a contract error, as samenloop validate words it', () => {
    const csv = [
      OB_HEADER,
      'ZSM-OB-2026-004312;;;123456789;Eva;;Jansen;01-01-1980;nee;Aangehouden;24-11-2026 14:05;Mishandeling;;ja;ja;nee;Aangehouden;;GM796;',
    ].join('\n');
    const [row] = rowsOf(Buffer.from(csv));

    expect(rowContractProblems(row!, contractErrors(row!.body), obMap)).toEqual([
      'line 2, column "BSN verdachte": verdachtenmonitor-entry /verdachte/bsn: must be a BSN (9 digits that pass the 11-test)',
      'line 2, column "Gemeentecode slachtoffer": verdachtenmonitor-entry /huishouden/gemeentecode: must be a CBS municipality code: GM and 4 digits, e.g. GM0796',
    ]);
  });

  it('reports an empty required cell and a row with another number of cells', () => {
    const csv = [
      OB_HEADER,
      ';;;;;;Jansen;01-01-1980;nee;Aangehouden;24-11-2026 14:05;Mishandeling;;ja;ja;nee;Aangehouden;;GM0796;',
      'ZSM-OB-2026-004313;"twee\nregels"',
      'ZSM-OB-2026-004314;;',
    ].join('\n');

    expect(rowsOf(Buffer.from(csv)).map((row) => row.problems)).toEqual([
      ['line 2, column "ZSM-zaaknummer": is empty; a value is required'],
      ['line 3: has 2 cells where the header has 20'],
      ['line 5: has 3 cells where the header has 20'],
    ]);
  });

  it('refuses a file whose header lacks required columns, naming them', () => {
    const reading = readTabularFile(
      Buffer.from('ZSM-zaaknummer;Achternaam\nZSM-OB-2026-004301;Dijk\n'),
      obMap,
      'auto',
    );

    expect(reading).toEqual({
      readable: false,
      problems: [
        'the header lacks required columns: "Geboortedatum", "Soort aanhouding", "Tijdstip aanhouding", "Feitomschrijving", "VH toegestaan", "HG-indicatie", "Minderjarigen betrokken", "Status" (column map oost-brabant.yaml)',
      ],
    });
  });

  it('says so when the file is separated by another delimiter, or empty, or badly quoted', () => {
    const commas = Buffer.from(`${OB_HEADER.replace(/;/g, ',')}\n`);

    expect(readTabularFile(commas, obMap, 'auto')).toMatchObject({
      readable: false,
      problems: [
        expect.stringMatching(/^the header lacks required columns: "ZSM-zaaknummer"/),
        'the header has one column: the columns must be separated by ";"',
      ],
    });
    expect(readTabularFile(Buffer.from('\n\n'), obMap, 'auto')).toEqual({
      readable: false,
      problems: ['the file is empty: expected a header row with the column names'],
    });
    expect(readTabularFile(Buffer.from(`${OB_HEADER}\n"ZSM-OB;geheim\n`), obMap, 'auto')).toEqual({
      readable: false,
      problems: ['line 2: a quoted cell is not closed (a " is missing)'],
    });
  });

  it('converts local Dutch times in ISO form, keeping an offset the file gives', () => {
    const map = parseColumnMap(
      [
        'type: verdachtenmonitor-entry',
        'columns:',
        '  Zaak: { target: /zaakReferenties/zsmZaakId }',
        '  Tijd: { target: /occurredAt, as: date-time }',
        '  Aantal: { target: /payload/aantal, as: integer }',
      ].join('\n'),
      'm.yaml',
    );

    const rows = rowsOf(
      Buffer.from('Zaak;Tijd;Aantal\nZ;2026-03-29T03:30;12\nZ;2026-10-25T12:00:00Z;1,5\n'),
      map,
    );

    expect(rows[0]!.body?.occurredAt).toBe('2026-03-29T03:30:00+02:00');
    expect(rows[1]!.problems).toEqual(['line 3, column "Aantal": must be a whole number']);
  });
});
