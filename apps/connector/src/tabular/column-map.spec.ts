import path from 'node:path';
import { StartupError } from '@samenloop/errors';
import { ColumnMapError, loadColumnMap, parseColumnMap } from './column-map';

const DEPLOY = path.resolve(__dirname, '../../../../deploy');

describe(parseColumnMap.name, () => {
  it.each([
    'zsm-kolommen/oost-brabant.yaml',
    'zsm-kolommen/zeeland-west-brabant.yaml',
    'export-kolommen/vt-veiligheidsbeoordeling.yaml',
  ])('reads the shipped map %s', (file) => {
    const map = loadColumnMap(path.join(DEPLOY, file));

    expect(map.columns.length).toBeGreaterThan(5);
    expect(map.delimiter).toBe(';');
  });

  it('lists every problem of a bad map in one start-up error', () => {
    const yaml = [
      'type: verdachtenmonitor-entri',
      'columns:',
      '  Status:',
      '    target: /payload/status',
      '    as: value-table',
      '  Geboortedatum:',
      '    target: /verdachte/geboortedatum',
      '    as: datum',
    ].join('\n');

    const error = catchError(() => parseColumnMap(yaml, 'regio.yaml'));

    expect(error).toBeInstanceOf(ColumnMapError);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as ColumnMapError).problems).toEqual([
      expect.stringMatching(/^type: must be a message type: .*verdachtenmonitor-entry/),
      'columns.Status.values: is required with as: value-table',
      'columns.Geboortedatum.target: must be /payload/<field path>, /zaakReferenties/<kind> or /occurredAt',
      expect.stringMatching(/^columns\.Geboortedatum\.as: /),
    ]);
    expect((error as Error).message).toMatch(/^Invalid column map regio.yaml:\n {2}- type: /);
  });

  it('requires a column or constant for when the event happened and for the case', () => {
    const yaml = [
      'type: verdachtenmonitor-entry',
      'columns:',
      '  Status: { target: /payload/status }',
    ];

    expect(
      (catchError(() => parseColumnMap(yaml.join('\n'), 'm.yaml')) as ColumnMapError).problems,
    ).toEqual([
      'no column or constant fills /occurredAt (when the event happened)',
      'no column or constant fills a /zaakReferenties/<kind> (the case to file rows under)',
    ]);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
