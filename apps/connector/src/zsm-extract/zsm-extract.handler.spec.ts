import path from 'node:path';
import iconv from 'iconv-lite';
import type { Kafka } from 'kafkajs';
import { topicNames } from '@samenloop/messaging';
import type { PartnerKeys } from '@samenloop/partner-side';
import type { ConnectorSettings } from '../config/connector-settings';
import { RecordingSubmissions } from '../tabular/fixtures/recording-submissions';
import { ZsmExtractHandler } from './zsm-extract.handler';
import { ZsmExtractMemory } from './zsm-extract-memory';

const settings = {
  partnerId: 'POLITIE-OB',
  topics: topicNames(''),
  topicNamespace: '',
  files: {
    zsmExtract: {
      inbox: '/tmp/niet-gebruikt',
      columnMapFile: path.resolve(__dirname, '../../../../deploy/zsm-kolommen/oost-brabant.yaml'),
      encoding: 'auto',
    },
  },
} as unknown as ConnectorSettings;
const keys = { privateArmored: 'het geheim van de politie' } as PartnerKeys;

const HEADER = [
  'ZSM-zaaknummer',
  'BSN verdachte',
  'Achternaam',
  'Geboortedatum',
  'Soort aanhouding',
  'Tijdstip aanhouding',
  'Feitomschrijving',
  'VH toegestaan',
  'HG-indicatie',
  'Minderjarigen betrokken',
  'Status',
  'Gemeentecode slachtoffer',
];
type Row = Record<string, string>;
const row = (zsmZaakId: string, changes: Row = {}): Row => ({
  'ZSM-zaaknummer': zsmZaakId,
  'BSN verdachte': '999990081',
  Achternaam: 'Verbeek',
  Geboortedatum: '09-09-1981',
  'Soort aanhouding': 'Aangehouden',
  'Tijdstip aanhouding': '24-11-2026 14:05',
  Feitomschrijving: 'Mishandeling van partner',
  'VH toegestaan': 'ja',
  'HG-indicatie': 'ja',
  'Minderjarigen betrokken': 'nee',
  Status: 'Aangehouden',
  'Gemeentecode slachtoffer': 'GM0796',
  ...changes,
});
const extract = (rows: readonly Row[], header = HEADER) =>
  Buffer.from(
    [header, ...rows.map((r) => header.map((column) => r[column] ?? ''))]
      .map((cells) => cells.join(';'))
      .join('\n'),
  );
const file = (bytes: Buffer) => ({ name: 'verdachtenmonitor.csv', bytes });

/** A connector (re)started: its memory read back from what the earlier ones committed. */
function startAdapter(submissions: RecordingSubmissions) {
  const memory = new ZsmExtractMemory(settings, {} as Kafka, keys);
  jest.spyOn(memory, 'ready').mockResolvedValue();
  for (const { alongside } of submissions.submitted) alongside.forEach((r) => memory.remember(r));
  return new ZsmExtractHandler(settings, keys, submissions.asService(), memory);
}

describe(ZsmExtractHandler.name, () => {
  const A = 'ZSM-OB-2026-004401';
  const B = 'ZSM-OB-2026-004402';
  const C = 'ZSM-OB-2026-004403';

  it('submits each row with its memory record in the same transaction, keyed by an HMAC', async () => {
    const submissions = new RecordingSubmissions();

    const outcome = await startAdapter(submissions).handle(file(extract([row(A), row(B)])));

    expect(outcome).toEqual({
      status: 'processed',
      summary: { rows: 2, submitted: 2, unchanged: 0, rejected: 0, superseded: 0 },
      problems: [],
    });
    const [first] = submissions.submitted;
    expect(first!.idempotencyKey).toMatch(/^zsm:ZSM-OB-2026-004401:eerste:[A-Za-z0-9_-]{43}$/);
    expect(first!.alongside).toEqual([
      {
        topic: settings.topics.connector('POLITIE-OB').extractRows,
        key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as string,
        value: expect.any(String) as string,
      },
    ]);
    expect(first!.alongside[0]!.key).not.toContain('004401');
    expect(JSON.parse(first!.alongside[0]!.value)).toEqual({
      rowHash: first!.idempotencyKey.split(':')[3],
      messageId: first!.messageId,
      sentAt: expect.any(String) as string,
    });
  });

  it('sends nothing for an extract dropped again, re-encoded or with its columns in another order', async () => {
    const submissions = new RecordingSubmissions();
    const adapter = startAdapter(submissions);
    await adapter.handle(file(extract([row(A), row(B)])));
    const reordered = extract([row(B), row(A)], [...HEADER].reverse()).toString('utf-8');

    const again = await adapter.handle(file(extract([row(A), row(B)])));
    const windows1252 = await adapter.handle(file(iconv.encode(reordered, 'windows-1252')));

    expect(again).toMatchObject({ summary: { rows: 2, submitted: 0, unchanged: 2 } });
    expect(windows1252).toMatchObject({ summary: { rows: 2, submitted: 0, unchanged: 2 } });
    expect(submissions.submitted).toHaveLength(2);
  });

  it('sends a changed row as the next message of its case, and A → B → A sends A again', async () => {
    const submissions = new RecordingSubmissions();
    const adapter = startAdapter(submissions);
    const changed = row(A, { Status: 'In verzekering gesteld' });

    await adapter.handle(file(extract([row(A), row(B)])));
    const update = await adapter.handle(file(extract([changed, row(B)])));
    await adapter.handle(file(extract([row(A), row(B)])));

    expect(update).toMatchObject({ summary: { submitted: 1, unchanged: 1 } });
    const forA = submissions.submitted.filter((s) => s.idempotencyKey.includes(A));
    expect(forA.map((s) => (s.body.payload as { status: string }).status)).toEqual([
      'aangehouden',
      'in-verzekering-gesteld',
      'aangehouden',
    ]);
    expect(forA[1]!.idempotencyKey).toContain(`:${forA[0]!.messageId}:`);
    expect(forA[2]!.idempotencyKey).toContain(`:${forA[1]!.messageId}:`);
    expect(forA[2]!.idempotencyKey.split(':')[3]).toBe(forA[0]!.idempotencyKey.split(':')[3]);
  });

  it('remembers across a restart: the same extract sends nothing, a change sends one update', async () => {
    const submissions = new RecordingSubmissions();
    await startAdapter(submissions).handle(file(extract([row(A), row(B)])));

    const restarted = startAdapter(submissions);
    const same = await restarted.handle(file(extract([row(A), row(B)])));
    const changed = await restarted.handle(
      file(extract([row(A), row(B, { 'HG-indicatie': 'nee' })])),
    );

    expect(same).toMatchObject({ summary: { submitted: 0, unchanged: 2 } });
    expect(changed).toMatchObject({ summary: { submitted: 1, unchanged: 1 } });
    expect(submissions.submitted[2]!.idempotencyKey).toContain(
      `:${submissions.submitted[1]!.messageId}:`,
    );
  });

  it('reports a row the contract rejects by line and column, and goes on with the batch', async () => {
    const submissions = new RecordingSubmissions();

    const outcome = await startAdapter(submissions).handle(
      file(
        extract([
          row(A),
          row(B, { 'BSN verdachte': '999990082' }),
          row(C, { Geboortedatum: '1981-09-09' }),
        ]),
      ),
    );

    expect(outcome).toEqual({
      status: 'processed',
      summary: { rows: 3, submitted: 1, unchanged: 0, rejected: 2, superseded: 0 },
      problems: [
        'line 3, column "BSN verdachte": verdachtenmonitor-entry /verdachte/bsn: must be a BSN (9 digits that pass the 11-test)',
        'line 4, column "Geboortedatum": must be a date as dd-MM-yyyy',
      ],
    });
    expect(submissions.submitted).toHaveLength(1);
  });

  it('takes the later row when an extract lists a case twice', async () => {
    const submissions = new RecordingSubmissions();

    const outcome = await startAdapter(submissions).handle(
      file(extract([row(A), row(A, { Status: 'Voorgeleid' })])),
    );

    expect(outcome).toMatchObject({ summary: { rows: 2, submitted: 1, superseded: 1 } });
    expect(submissions.submitted[0]!.body.payload).toMatchObject({ status: 'voorgeleid' });
  });

  it('refuses a file it cannot read at all and submits nothing', async () => {
    const submissions = new RecordingSubmissions();

    const outcome = await startAdapter(submissions).handle(
      file(Buffer.from('ZSM-zaaknummer,Achternaam\nZSM-OB-2026-004401,Verbeek\n')),
    );

    expect(outcome).toMatchObject({ status: 'error' });
    expect(submissions.submitted).toHaveLength(0);
  });
});
