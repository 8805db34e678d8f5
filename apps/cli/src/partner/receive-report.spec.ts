import { receiveReport } from './receive-report';

describe(receiveReport.name, () => {
  const received = {
    documents: [{ type: 'rejection' as const, document: { rejectionId: 'r-1', errors: [] } }],
    refused: [
      { partition: 0, offset: '3', reason: 'hub-signature-invalid' as const },
      { partition: 1, offset: '8', reason: 'already-received' as const, documentId: 'd-1' },
    ],
  };

  it('keeps stdout of --json to what the hub signed, and reports refused records on stderr without content', () => {
    const { stdout, stderr } = receiveReport('VT-ZOB', received, true);

    expect(JSON.parse(stdout)).toEqual({ rejectionId: 'r-1', errors: [] });
    expect(
      stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { refused: { partition: 0, offset: '3', reason: 'hub-signature-invalid' } },
      { refused: { partition: 1, offset: '8', reason: 'already-received', documentId: 'd-1' } },
    ]);
  });

  it('names each refused record by its offset and why in text', () => {
    const { stdout, stderr } = receiveReport('VT-ZOB', received, false);

    expect(stdout.split('\n')).toEqual([
      'VT-ZOB: rejection ',
      "VT-ZOB: refused   offset 3 (partition 0): the hub's signature does not verify: the content may be forged and is not shown",
      'VT-ZOB: refused   offset 8 (partition 1) d-1: a copy of a document already shown: not shown again',
      '',
    ]);
    expect(stderr).toBe('');
    expect(receiveReport('VT-ZOB', { documents: [], refused: [] }, false).stdout).toBe(
      'VT-ZOB: nothing new\n',
    );
  });
});
