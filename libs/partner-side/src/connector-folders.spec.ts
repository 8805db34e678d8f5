import { mkdirSync, mkdtempSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConnectorFolder, OutboxWatch } from './connector-folders';

describe(ConnectorFolder.name, () => {
  let inbox: string;
  beforeEach(() => {
    inbox = mkdtempSync(path.join(os.tmpdir(), 'connector-folder-'));
    for (const outcome of ['processed', 'error']) mkdirSync(path.join(inbox, outcome));
  });

  /** What the connector does with a file it handled: moved under a time prefix, a report beside. */
  const handle = (outcome: string, moved: string, report?: string) => {
    renameSync(path.join(inbox, 'melding.xml'), path.join(inbox, outcome, moved));
    if (report !== undefined)
      writeFileSync(path.join(inbox, outcome, `${moved}.report.txt`), report);
  };

  it('drops the file whole under its own name, leaving no temporary file', async () => {
    await new ConnectorFolder(inbox).drop('melding.xml', '<Bericht/>');

    expect(readdirSync(inbox).sort()).toEqual(['error', 'melding.xml', 'processed']);
  });

  it('finds the file in processed/ once the connector moved it, not an earlier one of that name', async () => {
    writeFileSync(path.join(inbox, 'processed', '20261203T080000Z-melding.xml'), 'earlier');
    const dropped = await new ConnectorFolder(inbox).drop('melding.xml', '<Bericht/>');
    setTimeout(() => {
      handle('processed', '20261203T090000Z-melding.xml');
      writeFileSync(
        path.join(inbox, 'processed', '20261203T090000Z-melding.xml.report.txt'),
        'problems: 0\n',
      );
    }, 50);

    await expect(dropped.outcome({ timeoutMs: 2_000, pollMs: 10 })).resolves.toEqual({
      outcome: 'processed',
      file: path.join(inbox, 'processed', '20261203T090000Z-melding.xml'),
      report: 'problems: 0\n',
    });
  });

  it('waits for the report, which follows the move', async () => {
    const dropped = await new ConnectorFolder(inbox).drop('melding.xml', '<Bericht/>');
    handle('error', '20261203T090000Z-melding.xml');
    setTimeout(
      () =>
        writeFileSync(
          path.join(inbox, 'error', '20261203T090000Z-melding.xml.report.txt'),
          'line 3: problem\n',
        ),
      50,
    );

    await expect(dropped.outcome({ timeoutMs: 2_000, pollMs: 10 })).resolves.toMatchObject({
      outcome: 'error',
      report: 'line 3: problem\n',
    });
  });

  it('names the file and the folder when the connector does not handle it in time', async () => {
    const dropped = await new ConnectorFolder(inbox).drop('melding.xml', '<Bericht/>');

    await expect(dropped.outcome({ timeoutMs: 30, pollMs: 10 })).rejects.toThrow(
      `melding.xml was not handled within 0.03 s: is the connector watching ${inbox}?`,
    );
  });
});

describe(OutboxWatch.name, () => {
  it('reports the files written after it began, once the outboxes are quiet', async () => {
    const outbox = mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
    writeFileSync(path.join(outbox, 'earlier.json'), '{}');
    const watch = new OutboxWatch([outbox]);
    writeFileSync(path.join(outbox, '.a.json.tmp'), '{');
    writeFileSync(path.join(outbox, 'a.json'), '{}');
    setTimeout(() => writeFileSync(path.join(outbox, 'b.xml'), '<Aflevering/>'), 30);

    await expect(watch.arrivals({ quietMs: 100, timeoutMs: 2_000, pollMs: 10 })).resolves.toEqual([
      path.join(outbox, 'a.json'),
      path.join(outbox, 'b.xml'),
    ]);
    await expect(watch.arrivals({ quietMs: 100, timeoutMs: 50, pollMs: 10 })).resolves.toEqual([]);
  });
});
