import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loggerOptions } from '@samenloop/observability';
import pino from 'pino';
import { registry } from '../submissions/submission-handler.fixture';
import { PartnerKeyPinsReader } from './partner-key-pins.reader';

const A = 'AAAA1111AAAA1111AAAA1111AAAA1111AAAA1111';
const B = 'BBBB2222BBBB2222BBBB2222BBBB2222BBBB2222';

describe(PartnerKeyPinsReader.name, () => {
  let file: string;
  let logLines: string[];
  let reader: PartnerKeyPinsReader;
  const alerts = () =>
    logLines
      .map((line) => JSON.parse(line) as { alert?: string; problem?: string })
      .filter((line) => line.alert !== undefined);

  beforeEach(async () => {
    file = path.join(mkdtempSync(path.join(tmpdir(), 'samenloop-pins-')), 'partner-keys.yaml');
    writeFileSync(file, `VT-ZOB: ['${A}']\n`);
    logLines = [];
    const logger = pino(loggerOptions('test', 'info'), { write: (line) => logLines.push(line) });
    reader = await PartnerKeyPinsReader.open(file, registry, logger);
  });

  it('applies a changed pin file at the next use, without a restart', () => {
    writeFileSync(file, `VT-ZOB: ['${A}', '${B}']\n`);

    expect(reader.current().pinned('VT-ZOB')).toEqual([A, B]);
  });

  it('never applies an invalid pin file: the last valid pins stay, and the operator is alerted once', () => {
    writeFileSync(file, `VT-ZOB: ['${A}']\nVT-BNO: ['${A}']\n`);

    expect(reader.current().pinned('VT-BNO')).toEqual([]);
    expect(reader.current().pinned('VT-ZOB')).toEqual([A]);
    expect(alerts()).toEqual([
      expect.objectContaining({
        alert: 'invalid-partner-key-pins',
        problem: expect.stringContaining(
          `fingerprint ${A} is pinned for VT-ZOB and VT-BNO`,
        ) as unknown,
      }),
    ]);

    writeFileSync(file, `VT-BNO: ['${A}']\n`);
    expect(reader.current().pinned('VT-BNO')).toEqual([A]);
  });

  it('keeps the last valid pins when the file disappears', () => {
    rmSync(file);

    expect(reader.current().pinned('VT-ZOB')).toEqual([A]);
    expect(alerts()).toEqual([
      expect.objectContaining({ alert: 'invalid-partner-key-pins', problem: 'missing' }),
    ]);
  });
});
