import { FileChain } from '../support/file-chain';
import { recordCount, testKafka } from '../support/kafka-test-kit';
import { runningHub } from '../support/running-hub';
import { settled, waitFor } from '../support/wait-for';
import { ZsmExtract } from '../support/zsm-extract';

const VTS = ['VT-ZOB', 'VT-BNO'] as const;

/** How often each zsmZaakId occurs. */
function countsOf(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * The police's ZSM system drops its verdachtenmonitor extract (500 rows, a handful of them
 * domestic violence) in the police connector's inbox, a process of the real bundle on the real
 * broker and gateway: each VT's outbox gets exactly the rows the hub's policy gives it, OM (who
 * gets every row) each row once — also when the extract comes again, changed, with a bad row, or
 * when the connector is SIGKILLed halfway.
 */
describe('ZSM verdachtenmonitor extracts through the police connector', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');
  let chain: FileChain;
  const extract = ZsmExtract.generate({ firstCase: 1 });
  const FILE = 'verdachtenmonitor-20261123.csv';

  beforeAll(async () => {
    chain = await FileChain.start(
      kafka,
      running,
      ['POLITIE-OB', 'VT-ZOB', 'VT-BNO'],
      ['OM', ...VTS],
    );
  });

  afterAll(async () => {
    await chain?.stop();
  });

  const inbound = () => running.scenario.topics.inbound('POLITIE-OB');
  const zsmIdOf = (document: { payload?: Record<string, unknown> }) =>
    String(document.payload?.zsmZaakId);
  /** The zsmZaakIds of what OM received, once per delivery. */
  const atOm = () => chain.watcher.deliveries('OM', 'verdachtenmonitor-entry').map(zsmIdOf);
  /** The zsmZaakIds of the verdachtenmonitor deliveries in a VT's outbox, once per file. */
  const inOutbox = (vt: (typeof VTS)[number]) =>
    chain.outboxes[vt]
      .deliveries('verdachtenmonitor-entry')
      .map(({ document }) => zsmIdOf(document));
  const omHasAll = (rows: ZsmExtract) =>
    waitFor(
      () => {
        const received = new Set(atOm());
        return rows.rows.every((row) => received.has(row.zsmZaakId)) ? true : undefined;
      },
      `every row of the extract at OM`,
      180_000,
    );

  it('gives each VT exactly its domestic-violence rows of a 500-row extract, and OM every row', async () => {
    const handled = await chain.zsmInbox.drop(FILE, extract.bytes('utf-8-bom'));
    await omHasAll(extract);

    expect(handled.outcome).toBe('processed');
    expect(handled.summary).toMatchObject({ rows: 500, submitted: 500, unchanged: 0 });
    for (const vt of VTS) {
      const expected = extract.domesticViolenceFor(vt);
      expect(expected.length).toBeGreaterThanOrEqual(3);
      await chain.outboxes[vt].until(
        () => (expected.every((id) => inOutbox(vt).includes(id)) ? true : undefined),
        `the ${expected.length} domestic-violence rows of ${vt}`,
      );
      await chain.outboxes[vt].quiet();
      expect(inOutbox(vt).sort()).toEqual([...expected].sort());
      // What the connector wrote is what the hub delivered to the VT on Kafka.
      const onKafka = await chain.watcher.until(() => {
        const found = chain.watcher.deliveries(vt, 'verdachtenmonitor-entry').map(zsmIdOf);
        return found.length >= expected.length ? found : undefined;
      }, `the deliveries to ${vt}`);
      expect(onKafka.sort()).toEqual([...expected].sort());
    }
    await settled(() => atOm().length, 'OM deliveries');
    expect([...countsOf(atOm()).values()].every((count) => count === 1)).toBe(true);
    expect(atOm()).toHaveLength(500);
  });

  it('submits nothing when the same extract comes again, as the same bytes or in Windows-1252', async () => {
    const before = await recordCount(kafka, inbound());

    const again = await chain.zsmInbox.drop(FILE, extract.bytes('utf-8-bom'));
    const ansi = await chain.zsmInbox.drop(
      'verdachtenmonitor-20261123-ansi.csv',
      extract.bytes('windows-1252'),
    );

    for (const handled of [again, ansi]) {
      expect(handled.outcome).toBe('processed');
      expect(handled.summary).toMatchObject({ rows: 500, submitted: 0, unchanged: 500 });
    }
    // The file is moved only once every row is done: nothing was written for either.
    expect(await recordCount(kafka, inbound())).toBe(before);
    for (const vt of VTS) expect((await chain.outboxes[vt].quiet()).length).toBeGreaterThan(0);
    expect(atOm()).toHaveLength(500);
  });

  it('sends exactly one update for one changed row', async () => {
    const [changedId] = extract.domesticViolenceFor('VT-ZOB');
    const changed = extract.withRow(changedId!, { status: 'voorgeleid' });
    const bnoBefore = inOutbox('VT-BNO').length;

    const handled = await chain.zsmInbox.drop(
      'verdachtenmonitor-20261123-1200.csv',
      changed.bytes('utf-8-bom'),
    );
    const update = await chain.outboxes['VT-ZOB'].until(
      (documents) =>
        documents.find(
          ({ type, document }) =>
            type === 'delivery' &&
            zsmIdOf(document) === changedId &&
            document.payload?.status === 'voorgeleid',
        ),
      `the update of ${changedId}`,
    );

    expect(handled.outcome).toBe('processed');
    expect(handled.summary).toMatchObject({ rows: 500, submitted: 1, unchanged: 499 });
    expect(update.document.payload).toMatchObject({ zsmZaakId: changedId, status: 'voorgeleid' });
    await chain.outboxes['VT-ZOB'].quiet();
    expect(countsOf(inOutbox('VT-ZOB')).get(changedId!)).toBe(2);
    await settled(() => atOm().length, 'OM deliveries');
    expect(atOm()).toHaveLength(501);
    expect(countsOf(atOm()).get(changedId!)).toBe(2);
    expect(inOutbox('VT-BNO')).toHaveLength(bnoBefore);
  });

  it('reports a malformed row by line and column, without its value, and delivers the others', async () => {
    const batch = ZsmExtract.generate({ firstCase: 1001, rows: 50 });
    const bad = batch.rows[20]!;
    const text = batch.text((row, column, value) =>
      row === bad && column === 'Geboortedatum' ? '31-02-1980' : value,
    );

    const handled = await chain.zsmInbox.drop(
      'verdachtenmonitor-20261124.csv',
      batch.bytes('utf-8-bom', text),
    );
    await waitFor(() => {
      const received = new Set(atOm());
      return batch.rows.every((row) => row === bad || received.has(row.zsmZaakId))
        ? true
        : undefined;
    }, 'the 49 good rows at OM');

    expect(handled.outcome).toBe('processed');
    expect(handled.summary).toMatchObject({ rows: 50, submitted: 49, rejected: 1 });
    const problems = handled.report.filter((line) => line.startsWith('line '));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^line ${batch.lineOf(bad.zsmZaakId)}, column "Geboortedatum": `),
    );
    const report = handled.report.join('\n');
    for (const value of ['31-02-1980', bad.bsn, bad.achternaam, bad.voornamen])
      expect(report).not.toContain(value);
    await settled(() => atOm().length, 'OM deliveries');
    expect(atOm()).not.toContain(bad.zsmZaakId);
  });

  it('loses and repeats no row when the police connector is SIGKILLed halfway through an extract', async () => {
    const batch = ZsmExtract.generate({ firstCase: 2001 });
    const name = 'verdachtenmonitor-20261125.csv';
    const police = chain.connector('POLITIE-OB');
    const before = await recordCount(kafka, inbound());

    const dropped = await chain.zsmInbox.put(name, batch.bytes('windows-1252'));
    // Rows are committed in groups: each row one record, each group one transaction marker.
    const written = await waitFor(
      async () => {
        const count = (await recordCount(kafka, inbound())) - before;
        return count >= 100 ? count : undefined;
      },
      'the first rows on the police inbound topic',
      120_000,
      20,
    );
    expect(await police.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const atKill = (await recordCount(kafka, inbound())) - before;

    expect(chain.zsmInbox.waiting()).toEqual([name]);
    // Fewer offsets than rows: the batch was not all written when the connector died.
    expect(atKill).toBeLessThan(500);
    expect(written).toBeGreaterThan(0);

    await police.start();
    const handled = await dropped.handled();
    await omHasAll(batch);

    expect(handled.outcome).toBe('processed');
    const summary = handled.summary;
    expect(summary).toMatchObject({ rows: 500 });
    expect((summary.submitted ?? 0) + (summary.unchanged ?? 0)).toBe(500);
    // Halfway indeed: some rows were sent before the kill, the others only after the restart.
    expect(summary.unchanged ?? 0).toBeGreaterThan(0);
    expect(summary.submitted ?? 0).toBeGreaterThan(0);
    await settled(() => atOm().length, 'OM deliveries');
    const counts = countsOf(atOm());
    expect(batch.rows.filter((row) => counts.get(row.zsmZaakId) !== 1)).toEqual([]);
    for (const vt of VTS) {
      const expected = batch.domesticViolenceFor(vt);
      await chain.outboxes[vt].until(
        () => (expected.every((id) => inOutbox(vt).includes(id)) ? true : undefined),
        `the domestic-violence rows of ${vt} after the crash`,
      );
      await chain.outboxes[vt].quiet();
      const inVt = countsOf(inOutbox(vt));
      expect(expected.filter((id) => inVt.get(id) !== 1)).toEqual([]);
    }
  });
});
