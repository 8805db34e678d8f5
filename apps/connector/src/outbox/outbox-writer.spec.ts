import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ontvangenItem } from '../inbox/received.dto';
import { InMemoryInbox } from '../fixtures/in-memory-inbox';
import { RecordingLogger } from '../fixtures/recording-logger';
import { OutboxWriter, type HubDocumentXmlRenderer, type OutboxSettings } from './outbox-writer';

/** Stands in for `hubDocumentXml`: names what it was given, so the test sees what went in. */
const renderXml: HubDocumentXmlRenderer = (document, type) =>
  `<${type} id="${String(document['deliveryId'])}"/>`;

describe(OutboxWriter.name, () => {
  let directory: string;
  let inbox: InMemoryInbox;
  let logger: RecordingLogger;
  let writer: OutboxWriter | undefined;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'outbox-'));
    inbox = new InMemoryInbox();
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await writer?.stop();
    writer = undefined;
    await rm(directory, { recursive: true, force: true });
  });

  function startWriter(format: OutboxSettings['format'] = 'json'): void {
    // No jitter and short waits: the retries come quickly and at named times.
    writer = new OutboxWriter(inbox, { directory, format }, renderXml, logger, {
      initialBackoffMs: 20,
      maxBackoffMs: 40,
      random: () => 0,
    });
    writer.start();
  }

  /** What the JSON outbox holds for entry `id` of the in-memory inbox, while unacknowledged: the webhook's body. */
  async function expectedJson(id: string): Promise<string> {
    const { entries } = await inbox.after(undefined, 100);
    return JSON.stringify(ontvangenItem(entries.find((entry) => entry.id === id)!));
  }

  it('writes each document as <id>.json, the body the webhook posts, and acknowledges each by outbox in order', async () => {
    inbox.append({ id: 'd-1' }, { id: 'r-2', type: 'receipt' });
    startWriter();
    await inbox.untilAcknowledged(2);
    inbox.append({ id: 'd-3' });
    await inbox.untilAcknowledged(3);

    expect(inbox.acknowledgements).toEqual([
      { id: 'd-1', by: 'outbox' },
      { id: 'r-2', by: 'outbox' },
      { id: 'd-3', by: 'outbox' },
    ]);
    expect((await readdir(directory)).sort()).toEqual(['d-1.json', 'd-3.json', 'r-2.json']);
    expect(JSON.parse(await readFile(join(directory, 'r-2.json'), 'utf8'))).toEqual({
      id: 'r-2',
      type: 'receipt',
      cursor: '1',
      bevestigd: false,
      document: { deliveryId: 'r-2', payload: { omschrijving: 'niet in een log' } },
    });
  });

  it('writes <id>.xml from the XML renderer when the outbox takes XML', async () => {
    inbox.append({ id: 'd-1' }, { id: 'j-2', type: 'rejection' });
    startWriter('xml');
    await inbox.untilAcknowledged(2);

    expect((await readdir(directory)).sort()).toEqual(['d-1.xml', 'j-2.xml']);
    expect(await readFile(join(directory, 'j-2.xml'), 'utf8')).toBe('<rejection id="j-2"/>');
  });

  it('skips what the case system acknowledged through the API', async () => {
    inbox.append({ id: 'd-1' }, { id: 'd-2' });
    await inbox.acknowledge('d-1', 'api');
    startWriter();
    await inbox.untilAcknowledged(2);

    expect(await readdir(directory)).toEqual(['d-2.json']);
    expect(inbox.acknowledgements).toEqual([
      { id: 'd-1', by: 'api' },
      { id: 'd-2', by: 'outbox' },
    ]);
  });

  it('after a restart, acknowledges a file it wrote before the crash without writing it again', async () => {
    inbox.append({ id: 'd-1' }, { id: 'd-2' });
    const written = await expectedJson('d-1');
    await writeFile(join(directory, 'd-1.json'), written);
    startWriter();
    await inbox.untilAcknowledged(2);

    expect(inbox.acknowledgements.map((a) => a.by)).toEqual(['outbox', 'outbox']);
    expect(await readFile(join(directory, 'd-1.json'), 'utf8')).toBe(written);
    expect(logger.lines.map((line) => line.fields)).toEqual([
      { id: 'd-1', format: 'json', file: 'already there', attempt: 1, result: 'acknowledged' },
      { id: 'd-2', format: 'json', file: 'written', attempt: 1, result: 'acknowledged' },
    ]);
  });

  it('never overwrites another file of the same name: it warns with ids only and retries, in order, until the file is moved away', async () => {
    inbox.append({ id: 'd-1' }, { id: 'd-2' });
    const expected = await expectedJson('d-1');
    await writeFile(join(directory, 'd-1.json'), 'iets van de zaaksysteembeheerder');
    startWriter();
    await logger.untilRetries(3);

    expect(await readFile(join(directory, 'd-1.json'), 'utf8')).toBe(
      'iets van de zaaksysteembeheerder',
    );
    expect(inbox.acknowledgements).toEqual([]);
    expect(logger.retries().slice(0, 3)).toEqual(
      [20, 40, 40].map((nextDelayMs, index) => ({
        id: 'd-1',
        step: 'write file',
        failure: 'another file of this name is in the outbox; it is left as it is',
        attempt: index + 1,
        nextDelayMs,
      })),
    );
    expect(JSON.stringify(logger.lines)).not.toContain('omschrijving');

    await unlink(join(directory, 'd-1.json'));
    await inbox.untilAcknowledged(2);
    expect(await readFile(join(directory, 'd-1.json'), 'utf8')).toBe(expected);
    expect(inbox.acknowledgements.map((a) => a.id)).toEqual(['d-1', 'd-2']);
  });

  it('creates the outbox folder when it is not there yet', async () => {
    await rm(directory, { recursive: true });
    inbox.append({ id: 'd-1' });
    startWriter();
    await inbox.untilAcknowledged(1);

    expect(await readdir(directory)).toEqual(['d-1.json']);
  });

  it('retries a document the renderer cannot make yet, naming only the error kind', async () => {
    let broken = true;
    writer = new OutboxWriter(
      inbox,
      { directory, format: 'xml' },
      (document, type) => {
        if (broken) throw new TypeError(`cannot render ${JSON.stringify(document)}`);
        return renderXml(document, type);
      },
      logger,
      { initialBackoffMs: 20, maxBackoffMs: 40, random: () => 0 },
    );
    inbox.append({ id: 'd-1' });
    writer.start();
    await logger.untilRetries(1);
    broken = false;
    await inbox.untilAcknowledged(1);

    expect(logger.retries()[0]).toEqual({
      id: 'd-1',
      step: 'hand over',
      failure: 'TypeError',
      attempt: 1,
      nextDelayMs: 20,
    });
    expect(await readdir(directory)).toEqual(['d-1.xml']);
  });
});
