import { encode } from 'iconv-lite';
import { registry } from './partner-kit';

/**
 * One suspect on a synthetic ZSM verdachtenmonitor extract, as the police's ZSM system exports it
 * (Oost-Brabant's columns, `deploy/zsm-kolommen/oost-brabant.yaml`). Made-up people only: BSNs
 * from the 9999xxxxx test range that pass the 11-test.
 */
export interface ZsmExtractRow {
  readonly zsmZaakId: string;
  readonly parketnummer: string;
  readonly politieRegistratienummer: string;
  readonly bsn: string;
  readonly voornamen: string;
  readonly tussenvoegsel: string;
  readonly achternaam: string;
  /** ISO date. */
  readonly geboortedatum: string;
  readonly soortAanhouding: 'aangehouden' | 'ontboden-en-gehoord';
  /** Local Dutch time, `YYYY-MM-DDTHH:mm`. */
  readonly tijdstipAanhouding: string;
  readonly feit: string;
  readonly wetsartikel: string;
  readonly voorlopigeHechtenis: boolean;
  readonly huiselijkGeweld: boolean;
  readonly minderjarigenBetrokken: boolean;
  readonly status: 'aangehouden' | 'in-verzekering-gesteld' | 'heengezonden' | 'voorgeleid';
  readonly relatie: string;
  /** The victim's household's municipality (decides the VT); empty when ZSM does not know it. */
  readonly gemeentecodeSlachtoffer: string;
}

/** Which VT (by the partner registry's municipalities) serves a household, if any. */
export function vtServing(gemeentecode: string): string | undefined {
  return registry.partners.find((partner) => partner.gemeenten?.includes(gemeentecode))?.id;
}

/** The columns of Oost-Brabant's extract, in file order, each with how a row fills it. */
const COLUMNS: readonly (readonly [string, (row: ZsmExtractRow) => string])[] = [
  ['ZSM-zaaknummer', (row) => row.zsmZaakId],
  ['Parketnummer', (row) => row.parketnummer],
  ['Registratienummer politie', (row) => row.politieRegistratienummer],
  ['BSN verdachte', (row) => row.bsn],
  ['Voornamen', (row) => row.voornamen],
  ['Tussenvoegsel', (row) => row.tussenvoegsel],
  ['Achternaam', (row) => row.achternaam],
  ['Geboortedatum', (row) => dutchDate(row.geboortedatum)],
  ['Soort aanhouding', (row) => SOORT[row.soortAanhouding]],
  ['Tijdstip aanhouding', (row) => dutchDateTime(row.tijdstipAanhouding)],
  ['Feitomschrijving', (row) => row.feit],
  ['Wetsartikel', (row) => row.wetsartikel],
  ['VH toegestaan', (row) => yesNo(row.voorlopigeHechtenis)],
  ['HG-indicatie', (row) => yesNo(row.huiselijkGeweld)],
  ['Minderjarigen betrokken', (row) => yesNo(row.minderjarigenBetrokken)],
  ['Status', (row) => STATUS[row.status]],
  ['Relatie tot slachtoffer', (row) => row.relatie],
  ['Gemeentecode slachtoffer', (row) => row.gemeentecodeSlachtoffer],
];

const SOORT = { aangehouden: 'Aangehouden', 'ontboden-en-gehoord': 'Ontboden en gehoord' };
const STATUS = {
  aangehouden: 'Aangehouden',
  'in-verzekering-gesteld': 'In verzekering gesteld',
  heengezonden: 'Heengezonden',
  voorgeleid: 'Voorgeleid',
};

// Accented names on purpose: the Windows-1252 variant must read back as the same people.
const VOORNAMEN = [
  'Zoë',
  'Daniëlle',
  'René',
  'Noël',
  'Anaïs',
  'Jeroen',
  'Sanne',
  'Mohamed',
  'Lotte',
  'Bram',
  'Eef',
  'Hélène',
];
const ACHTERNAMEN: readonly (readonly [string, string])[] = [
  ['', 'Jansen'],
  ['de', 'Vries'],
  ['van', 'Dijk'],
  ['', 'Bakker'],
  ['', 'Visser'],
  ['van den', 'Broek'],
  ['', 'Smit'],
  ['', 'Meijer'],
  ['de', 'Groot'],
  ['', 'Peeters'],
  ['', 'Hendriks'],
  ['van der', 'Heijden'],
];
const FEITEN: readonly (readonly [string, string])[] = [
  ['Mishandeling in de woning', 'Sr art. 300'],
  ['Bedreiging', 'Sr art. 285'],
  ['Winkeldiefstal', 'Sr art. 310'],
  ['Vernieling van een auto', 'Sr art. 350'],
  ['Belaging via berichten en bij de woning', 'Sr art. 285b'],
];
/** Outside both VTs' regions, e.g. Amsterdam, Tilburg, Breda. */
const ELDERS = ['GM0363', 'GM0855', 'GM1719'];
const VT_ZOB = ['GM0772', 'GM0794', 'GM0861'];
const VT_BNO = ['GM0796', 'GM0828', 'GM1948'];

/** A 500-row (by default) extract whose rows depend only on `firstCase` and their position. */
export class ZsmExtract {
  private constructor(readonly rows: readonly ZsmExtractRow[]) {}

  /**
   * Rows `firstCase`, `firstCase + 1`, …: every 100 rows one domestic-violence row for a
   * municipality of VT-ZOB (position 7), one of VT-BNO (33) and one elsewhere (61); the rest is
   * not domestic violence, a tenth of it in a VT's municipality, some without a household.
   */
  static generate({ firstCase, rows = 500 }: { firstCase: number; rows?: number }): ZsmExtract {
    return new ZsmExtract(
      Array.from({ length: rows }, (_, index) => generatedRow(firstCase + index, index)),
    );
  }

  /** The same extract with one row changed. */
  withRow(zsmZaakId: string, change: Partial<ZsmExtractRow>): ZsmExtract {
    if (!this.rows.some((row) => row.zsmZaakId === zsmZaakId))
      throw new Error(`no row ${zsmZaakId} in the extract`);
    return new ZsmExtract(
      this.rows.map((row) => (row.zsmZaakId === zsmZaakId ? { ...row, ...change } : row)),
    );
  }

  /** The domestic-violence rows the policy sends to `vt` (by the household's municipality). */
  domesticViolenceFor(vt: string): string[] {
    return this.rows
      .filter((row) => row.huiselijkGeweld && vtServing(row.gemeentecodeSlachtoffer) === vt)
      .map((row) => row.zsmZaakId);
  }

  /** The file's line of a row (the header is line 1). */
  lineOf(zsmZaakId: string): number {
    return this.rows.findIndex((row) => row.zsmZaakId === zsmZaakId) + 2;
  }

  /** The CSV text: `;`-separated, a header row, CRLF line ends as spreadsheet exports write them. */
  text(
    cells: (row: ZsmExtractRow, column: string, value: string) => string = (_r, _c, v) => v,
  ): string {
    const lines = [
      COLUMNS.map(([name]) => name),
      ...this.rows.map((row) => COLUMNS.map(([name, value]) => cells(row, name, value(row)))),
    ];
    return lines.map((cellsOfLine) => cellsOfLine.map(quoted).join(';')).join('\r\n') + '\r\n';
  }

  /** The file as exported: UTF-8 with a byte-order mark, or Windows-1252. */
  bytes(encoding: 'utf-8-bom' | 'windows-1252', text = this.text()): Buffer {
    return encoding === 'windows-1252'
      ? encode(text, 'windows-1252')
      : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  }
}

function generatedRow(serial: number, position: number): ZsmExtractRow {
  const inHundred = position % 100;
  const pick = <T>(list: readonly T[], salt = 0): T => list[(serial * 7 + salt) % list.length]!;
  const gemeentecode =
    inHundred === 7
      ? pick(VT_ZOB)
      : inHundred === 33
        ? pick(VT_BNO)
        : inHundred === 61
          ? pick(ELDERS)
          : position % 10 === 3
            ? pick([...VT_ZOB, ...VT_BNO], 1)
            : position % 10 === 9
              ? ''
              : pick(ELDERS, 2);
  const huiselijkGeweld = inHundred === 7 || inHundred === 33 || inHundred === 61;
  const [tussenvoegsel, achternaam] = pick(ACHTERNAMEN, 3);
  const [feit, wetsartikel] = huiselijkGeweld ? FEITEN[0]! : pick(FEITEN.slice(1), 4);
  const day = 1 + (serial % 28);
  const hour = serial % 24;
  return {
    zsmZaakId: `ZSM-OB-2026-${String(serial).padStart(6, '0')}`,
    parketnummer: `01/${String(300_000 + serial).padStart(6, '0')}-26`,
    politieRegistratienummer: `PL2100-2026${String(serial).padStart(6, '0')}`,
    bsn: testBsn(serial),
    voornamen: pick(VOORNAMEN, 5),
    tussenvoegsel,
    achternaam,
    geboortedatum: `${1960 + (serial % 40)}-${pad(1 + (serial % 12))}-${pad(1 + (serial % 28))}`,
    soortAanhouding: serial % 5 === 0 ? 'ontboden-en-gehoord' : 'aangehouden',
    tijdstipAanhouding: `2026-11-${pad(day)}T${pad(hour)}:${pad((serial * 13) % 60)}`,
    feit,
    wetsartikel,
    voorlopigeHechtenis: huiselijkGeweld || serial % 3 === 0,
    huiselijkGeweld,
    minderjarigenBetrokken: huiselijkGeweld && serial % 2 === 0,
    status: huiselijkGeweld
      ? 'in-verzekering-gesteld'
      : serial % 2 === 0
        ? 'heengezonden'
        : 'aangehouden',
    relatie: huiselijkGeweld ? 'partner' : 'overig',
    gemeentecodeSlachtoffer: gemeentecode,
  };
}

/** The `serial`-th BSN of the 9999xxxxx test range that passes the 11-test. */
export function testBsn(serial: number): string {
  for (let candidate = serial % 10_000; ; candidate = (candidate + 1) % 10_000) {
    const digits = `9999${String(candidate).padStart(4, '0')}`;
    const sum = [...digits].reduce((total, digit, index) => total + Number(digit) * (9 - index), 0);
    const check = sum % 11;
    if (check < 10) return `${digits}${check}`;
  }
}

const pad = (value: number) => String(value).padStart(2, '0');
const dutchDate = (iso: string) => iso.split('-').reverse().join('-');
const dutchDateTime = (local: string) => {
  const [date, time] = local.split('T');
  return `${dutchDate(date!)} ${time}`;
};
const yesNo = (value: boolean) => (value ? 'Ja' : 'Nee');
/** Quoted as RFC 4180 says, only when a cell needs it. */
const quoted = (cell: string) => (/[;"\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
