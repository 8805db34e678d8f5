import { reportCounts } from '@samenloop/partner-side';
import { fileReport } from './file-report';

describe(fileReport.name, () => {
  const facts = {
    kind: 'zsm-extract',
    originalName: 'verdachtenmonitor-20261203.csv',
    movedTo: 'processed/20261203T060000Z-verdachtenmonitor-20261203.csv',
    handledAt: new Date('2026-12-03T06:00:00Z'),
  };

  it('gives the counts and the problems that a case system reads back with reportCounts', () => {
    const report = fileReport({
      ...facts,
      outcome: {
        status: 'processed',
        summary: { rows: 500, submitted: 3, unchanged: 496, rejected: 1 },
        problems: [
          'line 17, column "Geboortedatum": verdachtenmonitor-entry /verdachte/geboortedatum: must be a date (YYYY-MM-DD)',
        ],
      },
    });

    expect(report.split('\n').slice(0, 4)).toEqual([
      'adapter: zsm-extract',
      'file: verdachtenmonitor-20261203.csv',
      'moved to: processed/20261203T060000Z-verdachtenmonitor-20261203.csv',
      'handled at: 2026-12-03T06:00:00.000Z',
    ]);
    expect(reportCounts(report)).toEqual({
      summary: { rows: 500, submitted: 3, unchanged: 496, rejected: 1 },
      problems: [
        'line 17, column "Geboortedatum": verdachtenmonitor-entry /verdachte/geboortedatum: must be a date (YYYY-MM-DD)',
      ],
    });
  });

  it('says nothing was submitted for an error, with no counts', () => {
    const report = fileReport({
      ...facts,
      outcome: { status: 'error', problems: ['the header lacks the column "ZSM-zaaknummer"'] },
    });

    expect(report).toContain('outcome: error: nothing of this file was submitted');
    expect(reportCounts(report)).toEqual({
      summary: {},
      problems: ['the header lacks the column "ZSM-zaaknummer"'],
    });
  });
});
