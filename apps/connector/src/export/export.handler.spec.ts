import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PartnerKeys } from '@samenloop/partner-side';
import type { ConnectorSettings } from '../config/connector-settings';
import { RecordingSubmissions } from '../tabular/fixtures/recording-submissions';
import { ExportHandler } from './export.handler';

const keys = { privateArmored: 'het geheim van Veilig Thuis' } as PartnerKeys;
const settingsWith = (csvMapFile?: string) =>
  ({
    partnerId: 'VT-ZOB',
    files: {
      export: {
        inbox: '/tmp/niet-gebruikt',
        encoding: 'auto',
        ...(csvMapFile !== undefined && { csvMapFile }),
      },
    },
  }) as unknown as ConnectorSettings;
const VT_MAP = path.resolve(
  __dirname,
  '../../../../deploy/export-kolommen/vt-veiligheidsbeoordeling.yaml',
);
const vtCsv = readFileSync(
  path.resolve(__dirname, '../tabular/fixtures/vt-veiligheidsbeoordeling.csv'),
);

const demo = JSON.parse(
  readFileSync(
    path.resolve(__dirname, '../../../../deploy/demo/2-veiligheidsbeoordeling-vt-zob.json'),
    'utf-8',
  ),
) as { data: { payload: object } };
const body = { type: 'veiligheidsbeoordeling', ...demo.data };

describe(ExportHandler.name, () => {
  it('submits a JSON export once, keyed by its bytes', async () => {
    const submissions = new RecordingSubmissions();
    const handler = new ExportHandler(settingsWith(), keys, submissions.asService());
    const bytes = Buffer.from(JSON.stringify(body));

    const first = await handler.handle({ name: 'beoordeling.json', bytes });
    const again = await handler.handle({ name: 'beoordeling-kopie.JSON', bytes });

    expect(first).toEqual({
      status: 'processed',
      summary: { submitted: 1, repeated: 0 },
      problems: [],
    });
    expect(again).toEqual({
      status: 'processed',
      summary: { submitted: 0, repeated: 1 },
      problems: [],
    });
    expect(submissions.submitted).toEqual([
      expect.objectContaining({
        body,
        idempotencyKey: expect.stringMatching(/^export:[0-9a-f]{64}$/) as string,
      }),
    ]);
  });

  it('refuses a JSON file that is not a submission body, naming what to fix', async () => {
    const handler = new ExportHandler(settingsWith(), keys, new RecordingSubmissions().asService());
    const invalid = { ...body, payload: { ...body.payload, conclusie: undefined }, bron: 'x' };

    expect(await handler.handle({ name: 'a.json', bytes: Buffer.from('{"type": geheim') })).toEqual(
      {
        status: 'error',
        problems: ['the file is not JSON (UTF-8)'],
      },
    );
    expect(
      await handler.handle({ name: 'b.json', bytes: Buffer.from(JSON.stringify(invalid)) }),
    ).toEqual({
      status: 'error',
      problems: [
        '/bron: is not a field of a submission; fields: type, occurredAt, zaakReferenties, relatesTo, payload',
      ],
    });
    const { bron: _bron, ...withoutBron } = invalid;
    expect(
      await handler.handle({ name: 'c.json', bytes: Buffer.from(JSON.stringify(withoutBron)) }),
    ).toEqual({
      status: 'error',
      problems: ['veiligheidsbeoordeling /conclusie: is required'],
    });
  });

  it('submits each row of a CSV export with a column map, once per row content', async () => {
    const submissions = new RecordingSubmissions();
    const handler = new ExportHandler(settingsWith(VT_MAP), keys, submissions.asService());

    const first = await handler.handle({ name: 'export.csv', bytes: vtCsv });
    const again = await handler.handle({ name: 'export-2.csv', bytes: vtCsv });

    expect(first).toEqual({
      status: 'processed',
      summary: { rows: 1, submitted: 1, repeated: 0, rejected: 0 },
      problems: [],
    });
    expect(again).toMatchObject({ summary: { rows: 1, submitted: 0, repeated: 1 } });
    expect(submissions.submitted[0]!.idempotencyKey).toMatch(/^export-row:[A-Za-z0-9_-]{43}$/);
  });

  it('names the kinds it takes for any other file', async () => {
    const withoutMap = new ExportHandler(
      settingsWith(),
      keys,
      new RecordingSubmissions().asService(),
    );
    const withMap = new ExportHandler(
      settingsWith(VT_MAP),
      keys,
      new RecordingSubmissions().asService(),
    );

    expect(await withoutMap.handle({ name: 'export.csv', bytes: vtCsv })).toEqual({
      status: 'error',
      problems: [
        'a .csv export needs a column map (CONNECTOR_EXPORT_CSV_MAP); without one this inbox takes .json files only',
      ],
    });
    expect(await withMap.handle({ name: 'export.xlsx', bytes: vtCsv })).toEqual({
      status: 'error',
      problems: [
        'this inbox takes .json files (a submission body as POST /v1/berichten takes it) and .csv files (rows as the column map maps them)',
      ],
    });
  });
});
