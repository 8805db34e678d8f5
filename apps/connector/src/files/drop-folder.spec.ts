import { createHash } from 'node:crypto';
import {
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rename,
  rm,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '../fixtures/recording-logger';
import { DropFolder, type DropFolderOptions } from './drop-folder';
import type { FileOutcome } from './file-handler';
import { PROCESSED, ScriptedFileHandler, type Script } from './fixtures/scripted-file-handler';

const HANDLED_AT = new Date('2026-12-03T10:15:00.123Z');
const STAMP = '20261203T101500Z';

const REJECTED: FileOutcome = {
  status: 'error',
  problems: [
    'corv-zorgmelding /zorgmelding/betrokkenen/0/bsn: must pass the 11-test',
    'corv-zorgmelding /zorgmelding/melder: is required',
  ],
};

describe(DropFolder.name, () => {
  let directory: string;
  let logger: RecordingLogger;
  let handler: ScriptedFileHandler;
  let folder: DropFolder | undefined;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'drop-folder-'));
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await folder?.stop();
    folder = undefined;
    await rm(directory, { recursive: true, force: true });
  });

  async function startFolder(script?: Script, options: DropFolderOptions = {}): Promise<void> {
    handler = new ScriptedFileHandler(script);
    // Short, fixed waits and a fixed clock: moved names and retries are exact.
    folder = new DropFolder({ directory, handler }, logger, {
      stableForMs: 60,
      pollIntervalMs: 10,
      initialBackoffMs: 20,
      maxBackoffMs: 40,
      random: () => 0,
      now: () => HANDLED_AT,
      ...options,
    });
    await folder.start();
  }

  const listing = async (sub: string) => (await readdir(join(directory, sub))).sort();
  const handled = (count: number) => logger.untilDelivered(count);

  it('moves a processed file into processed/ under a UTC time prefix, with a report of its counts', async () => {
    await startFolder();
    await writeFile(join(directory, 'melding-jansen.xml'), '<zorgmelding/>');
    await handled(1);

    expect(handler.calls).toEqual([
      { name: 'melding-jansen.xml', bytes: Buffer.from('<zorgmelding/>') },
    ]);
    expect(await listing('.')).toEqual(['error', 'processed']);
    expect(await listing('processed')).toEqual([
      `${STAMP}-melding-jansen.xml`,
      `${STAMP}-melding-jansen.xml.report.txt`,
    ]);
    expect(
      await readFile(join(directory, 'processed', `${STAMP}-melding-jansen.xml`), 'utf8'),
    ).toBe('<zorgmelding/>');
    const report = await readFile(
      join(directory, 'processed', `${STAMP}-melding-jansen.xml.report.txt`),
      'utf8',
    );
    expect(report).toContain('outcome: processed');
    expect(report).toContain('problems: 0');
  });

  it('moves a file nothing of which was submitted into error/, with a report naming each problem', async () => {
    await startFolder(() => REJECTED);
    await writeFile(join(directory, 'melding.xml'), '<zorgmelding/>');
    await handled(1);

    expect(await listing('error')).toEqual([
      `${STAMP}-melding.xml`,
      `${STAMP}-melding.xml.report.txt`,
    ]);
    expect(
      await readFile(join(directory, 'error', `${STAMP}-melding.xml.report.txt`), 'utf8'),
    ).toBe(
      [
        'adapter: test-melding',
        'file: melding.xml',
        `moved to: error/${STAMP}-melding.xml`,
        'handled at: 2026-12-03T10:15:00.123Z',
        'outcome: error: nothing of this file was submitted; fix the problems below and drop it again',
        'problems: 2',
        '',
        'corv-zorgmelding /zorgmelding/betrokkenen/0/bsn: must pass the 11-test',
        'corv-zorgmelding /zorgmelding/melder: is required',
        '',
      ].join('\n'),
    );
  });

  it('reports the counts and the rows it could not use beside a processed file', async () => {
    await startFolder(() => ({
      status: 'processed',
      summary: { rows: 3, submitted: 2, rejected: 1 },
      problems: [
        'line 3, column "Geboortedatum": verdachtenmonitor-entry /verdachte/geboortedatum: must be a date (YYYY-MM-DD)',
      ],
    }));
    await writeFile(join(directory, 'extract.csv'), 'a;b\n');
    await handled(1);

    const report = await readFile(
      join(directory, 'processed', `${STAMP}-extract.csv.report.txt`),
      'utf8',
    );
    expect(report.split('\n').slice(4)).toEqual([
      'outcome: processed: submitted, except what the problems below name',
      'rows: 3',
      'submitted: 2',
      'rejected: 1',
      'problems: 1',
      '',
      'line 3, column "Geboortedatum": verdachtenmonitor-entry /verdachte/geboortedatum: must be a date (YYYY-MM-DD)',
      '',
    ]);
  });

  it('never overwrites a moved file: a name already taken gets a counter', async () => {
    await mkdir(join(directory, 'processed'));
    await writeFile(join(directory, 'processed', `${STAMP}-melding.xml`), 'eerder');
    await startFolder();
    await writeFile(join(directory, 'melding.xml'), 'tweede');
    await handled(1);
    await writeFile(join(directory, 'melding.xml'), 'derde');
    await handled(2);

    expect(await listing('processed')).toEqual([
      `${STAMP}-2-melding.xml`,
      `${STAMP}-2-melding.xml.report.txt`,
      `${STAMP}-3-melding.xml`,
      `${STAMP}-3-melding.xml.report.txt`,
      `${STAMP}-melding.xml`,
    ]);
    expect(await readFile(join(directory, 'processed', `${STAMP}-melding.xml`), 'utf8')).toBe(
      'eerder',
    );
    expect(await readFile(join(directory, 'processed', `${STAMP}-3-melding.xml`), 'utf8')).toBe(
      'derde',
    );
  });

  it('keeps a file whose handler throws (the broker down) and tries it again after growing waits', async () => {
    await startFolder((_file, n) => {
      if (n < 3) throw Object.assign(new Error('broker down'), { name: 'KafkaJSConnectionError' });
      return PROCESSED;
    });
    await writeFile(join(directory, 'melding.xml'), '<zorgmelding/>');
    await logger.untilRetries(1);

    expect(await listing('.')).toEqual(['error', 'melding.xml', 'processed']);
    await handled(1);
    const fingerprint = createHash('sha256').update('<zorgmelding/>').digest('hex').slice(0, 12);
    expect(logger.lines.map((line) => line.fields)).toEqual([
      ...[20, 40, 40].map((nextDelayMs, index) => ({
        kind: 'test-melding',
        fingerprint,
        step: 'handle',
        failure: 'KafkaJSConnectionError',
        attempt: index + 1,
        nextDelayMs,
      })),
      {
        kind: 'test-melding',
        fingerprint,
        outcome: 'processed',
        summary: { submitted: 1 },
        problems: 0,
      },
    ]);
    expect(handler.calls).toHaveLength(4);
    expect(await listing('processed')).toEqual([
      `${STAMP}-melding.xml`,
      `${STAMP}-melding.xml.report.txt`,
    ]);
  });

  it('logs a fingerprint of the file, never its name or content', async () => {
    await startFolder(() => REJECTED);
    await writeFile(join(directory, 'melding-jansen.xml'), '<naam>Jansen</naam>');
    await handled(1);

    const logged = JSON.stringify(logger.lines);
    expect(logged).not.toMatch(/jansen/i);
    expect(logger.lines[0]?.fields).toEqual({
      kind: 'test-melding',
      fingerprint: createHash('sha256').update('<naam>Jansen</naam>').digest('hex').slice(0, 12),
      outcome: 'error',
      problems: 2,
    });
  });

  it('handles the files already there at start, oldest first', async () => {
    await writeFile(join(directory, 'b.xml'), 'oud');
    await writeFile(join(directory, 'a.xml'), 'nieuw');
    await writeFile(join(directory, 'c.xml'), 'even oud');
    await utimes(join(directory, 'b.xml'), 1_000, 1_000);
    await utimes(join(directory, 'c.xml'), 1_000, 1_000);
    await startFolder();
    await handled(3);

    expect(handler.names()).toEqual(['b.xml', 'c.xml', 'a.xml']);
  });

  it('reads a file only once it stopped growing, and skips dot-files, *.tmp, *.part and folders', async () => {
    await startFolder(undefined, { stableForMs: 400 });
    await writeFile(join(directory, '.verborgen.xml'), 'x');
    await writeFile(join(directory, 'bezig.tmp'), 'x');
    await mkdir(join(directory, 'submap'));
    await writeFile(join(directory, 'submap', 'diep.xml'), 'x');
    const growing = await open(join(directory, 'groeit.csv'), 'w');
    for (let chunk = 0; chunk < 5; chunk += 1) {
      await growing.write(`regel ${chunk}\n`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await growing.close();
    await writeFile(join(directory, 'upload.csv.part'), 'a;b\n');
    await rename(join(directory, 'upload.csv.part'), join(directory, 'upload.csv'));
    await handled(2);

    expect(handler.names()).toEqual(['groeit.csv', 'upload.csv']);
    expect(handler.calls[0]?.bytes.toString()).toBe(
      'regel 0\nregel 1\nregel 2\nregel 3\nregel 4\n',
    );
    expect(await listing('.')).toEqual([
      '.verborgen.xml',
      'bezig.tmp',
      'error',
      'processed',
      'submap',
    ]);
  });

  it('lets the file in flight finish when stopped, and handles nothing after', async () => {
    let release: (() => void) | undefined;
    await startFolder(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return PROCESSED;
    });
    await writeFile(join(directory, 'eerste.xml'), '1');
    await handler.untilCalls(1);
    await writeFile(join(directory, 'tweede.xml'), '2');
    const stopped = folder!.stop();
    release?.();
    await stopped;

    expect(handler.names()).toEqual(['eerste.xml']);
    expect(await listing('processed')).toEqual([
      `${STAMP}-eerste.xml`,
      `${STAMP}-eerste.xml.report.txt`,
    ]);
    expect(await listing('.')).toEqual(['error', 'processed', 'tweede.xml']);
  });

  it('stops at once while waiting to retry, leaving the file where it is', async () => {
    await startFolder(
      () => {
        throw new Error('broker down');
      },
      { initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
    );
    await writeFile(join(directory, 'melding.xml'), 'x');
    await logger.untilRetries(1);
    const stoppingAt = Date.now();
    await folder!.stop();

    expect(Date.now() - stoppingAt).toBeLessThan(1000);
    expect(handler.calls).toHaveLength(1);
    expect(await listing('.')).toEqual(['error', 'melding.xml', 'processed']);
  });
});
