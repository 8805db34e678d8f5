import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeCorvZorgmelding } from '@samenloop/corv';
import { runCli } from '../support/cli-process';
import type { HandledFile, OutboxDocument } from '../support/connector-files';
import { requestBody } from '../support/connector-submission';
import { FileChain } from '../support/file-chain';
import { produce, recordCount, testKafka } from '../support/kafka-test-kit';
import { policeNumber, registry, ROOT, submissionFrom } from '../support/partner-kit';
import { deliveredFields, explainedFields, sameForEveryCase } from '../support/policy-fields';
import { runningHub } from '../support/running-hub';

const EINDHOVEN = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
const OSS = 'zorgmelding/examples/valid/kindermishandeling-oss-zonder-acuut-gevaar.json';
const INVALID = 'zorgmelding/examples/invalid/incident-datum-30-februari.json';
const INVALID_CORV = path.join(ROOT, 'schemas/corv/examples/invalid');
const INVALID_EXAMPLES = readdirSync(INVALID_CORV).filter((name) => name.endsWith('.xml'));
const POLICE_OIN = registry.partners.find((partner) => partner.id === 'POLITIE-OB')!.oin;

/** A fixture zorgmelding as the police's system would export it: CORV-style XML, with a fresh case. */
function corvZorgmelding(fixture: string) {
  const submission = submissionFrom(fixture, {
    sender: 'POLITIE-OB',
    zaakReferenties: { politieRegistratienummer: policeNumber() },
  });
  const berichtId = randomUUID();
  const xml = writeCorvZorgmelding(
    { berichtId, afzenderOin: POLICE_OIN, tijdstip: new Date().toISOString() },
    { ...requestBody(submission), type: 'zorgmelding' },
  );
  const reference = (submission.data as { zaakReferenties: { politieRegistratienummer: string } })
    .zaakReferenties.politieRegistratienummer;
  return { submission, berichtId, xml, reference };
}

/**
 * The police's system drops CORV-style XML zorgmeldingen in the police connector's inbox; the VT
 * serving the household finds the zorgmelding in its outbox (VT-ZOB as JSON, VT-BNO as XML), with
 * exactly the fields the hub's policy gives it, and the other VT nothing. Every connector is a
 * process of the real bundle, on the real broker and gateway.
 */
describe('CORV-style XML zorgmeldingen through the connectors', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');
  let chain: FileChain;

  beforeAll(async () => {
    chain = await FileChain.start(
      kafka,
      running,
      ['POLITIE-OB', 'VT-ZOB', 'VT-BNO'],
      ['VT-ZOB', 'VT-BNO'],
    );
  });

  afterAll(async () => {
    await chain?.stop();
  });

  const inbound = () => running.scenario.topics.inbound('POLITIE-OB');
  /** The zorgmelding deliveries in a VT's outbox for one police registration number. */
  const deliveriesOf = (vt: 'VT-ZOB' | 'VT-BNO', reference: string): OutboxDocument[] =>
    chain.outboxes[vt]
      .deliveries('zorgmelding')
      .filter(
        ({ document }) =>
          (document.zaakReferenties as Record<string, string> | undefined)
            ?.politieRegistratienummer === reference,
      );
  /** The delivery as the VT decrypts it off its delivery topic. */
  const deliveredOnKafka = (vt: 'VT-ZOB' | 'VT-BNO', deliveryId: string) =>
    chain.watcher.until(
      () =>
        chain.watcher
          .deliveries(vt, 'zorgmelding')
          .find((document) => document.deliveryId === deliveryId),
      `delivery ${deliveryId} on ${vt}'s topic`,
    );
  let eindhoven: ReturnType<typeof corvZorgmelding>;

  it("delivers an XML zorgmelding to VT-ZOB's outbox only, exactly as the direct Kafka path does", async () => {
    eindhoven = corvZorgmelding(EINDHOVEN);
    const direct = submissionFrom(EINDHOVEN, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: policeNumber() },
    });
    const directReference = (direct.data as { zaakReferenties: Record<string, string> })
      .zaakReferenties.politieRegistratienummer!;
    await produce(kafka, inbound(), [
      await running.scenario.partners.sealed('POLITIE-OB', direct, directReference),
    ]);

    const handled = await chain.corvInbox.drop('zorgmelding-eindhoven.xml', eindhoven.xml);
    const [fromFile] = await chain.outboxes['VT-ZOB'].until(() => {
      const found = deliveriesOf('VT-ZOB', eindhoven.reference);
      return found.length > 0 ? found : undefined;
    }, 'the zorgmelding from the XML file');
    const viaKafka = await chain.watcher.until(
      () =>
        chain.watcher
          .deliveries('VT-ZOB', 'zorgmelding')
          .find((document) => document.messageId === direct.id),
      'the direct zorgmelding at VT-ZOB',
    );

    expect(handled.outcome).toBe('processed');
    // The outbox file is the hub's delivery itself, as VT decrypts it off Kafka.
    const onKafka = await deliveredOnKafka('VT-ZOB', fromFile!.id);
    expect(fromFile!.document).toEqual(onKafka);
    expect(sameForEveryCase(fromFile!.document)).toEqual(sameForEveryCase(viaKafka));
    expect(fromFile!.document.payload).toEqual(
      (eindhoven.submission.data as { payload: unknown }).payload,
    );
    const explained = explainedFields(eindhoven.submission, 'VT-ZOB');
    expect(deliveredFields(fromFile!.document)).toEqual({
      deliver: explained.deliver,
      share: explained.share,
    });
    await chain.outboxes['VT-BNO'].quiet();
    expect(deliveriesOf('VT-BNO', eindhoven.reference)).toEqual([]);
    expect(deliveriesOf('VT-ZOB', eindhoven.reference)).toHaveLength(1);
  });

  it("delivers an XML zorgmelding to VT-BNO's XML outbox with exactly the policy's fields", async () => {
    const oss = corvZorgmelding(OSS);

    const handled = await chain.corvInbox.drop('zorgmelding-oss.xml', oss.xml);
    const [inXml] = await chain.outboxes['VT-BNO'].until(() => {
      const found = deliveriesOf('VT-BNO', oss.reference);
      return found.length > 0 ? found : undefined;
    }, 'the zorgmelding from Oss');

    expect(handled.outcome).toBe('processed');
    const onKafka = await deliveredOnKafka('VT-BNO', inXml!.id);
    // Read back from the XML: what the hub delivered, field for field.
    expect(inXml!.document.payload).toEqual(onKafka.payload);
    expect(inXml!.document.zaakReferenties).toEqual(onKafka.zaakReferenties);
    const explained = explainedFields(oss.submission, 'VT-BNO');
    expect(deliveredFields(inXml!.document)).toEqual({
      deliver: explained.deliver,
      share: explained.share,
    });
    await chain.outboxes['VT-ZOB'].quiet();
    expect(deliveriesOf('VT-ZOB', oss.reference)).toEqual([]);
  });

  /** The report beside a file in error/ names each problem as `samenloop validate` does, and only those. */
  const expectReportedAsValidateSays = async (handled: HandledFile): Promise<string[]> => {
    const validated = await runCli(['validate', handled.path], {});
    const lines = validated.stdout.split('\n').filter((line) => line.trim() !== '');
    expect(handled.outcome).toBe('error');
    expect(validated.code).toBe(1);
    expect(lines.length).toBeGreaterThan(0);
    expect(handled.problems).toBe(lines.length);
    expect(handled.report.slice(-lines.length)).toEqual(lines);
    return lines;
  };

  it('moves an invalid XML zorgmelding to error/ with the lines `samenloop validate` prints, and delivers nothing', async () => {
    const invalid = corvZorgmelding(INVALID);
    const before = await recordCount(kafka, inbound());

    const handled = await chain.corvInbox.drop('zorgmelding-ongeldig.xml', invalid.xml);

    expect(await expectReportedAsValidateSays(handled)).toEqual([
      'zorgmelding /incident/datum: must be a date (YYYY-MM-DD)',
    ]);
    expect(handled.report.join('\n')).not.toContain('2026-02-30');
    expect(await recordCount(kafka, inbound())).toBe(before);
    for (const vt of ['VT-ZOB', 'VT-BNO'] as const) {
      await chain.outboxes[vt].quiet();
      expect(deliveriesOf(vt, invalid.reference)).toEqual([]);
    }
  });

  it.each(INVALID_EXAMPLES)(
    'moves %s to error/ with its expected lines, as `samenloop validate` prints them, and submits nothing',
    async (example) => {
      const before = await recordCount(kafka, inbound());

      const handled = await chain.corvInbox.drop(
        example,
        readFileSync(path.join(INVALID_CORV, example)),
      );

      const expected = readFileSync(
        path.join(INVALID_CORV, example.replace(/\.xml$/, '.expected.txt')),
        'utf8',
      );
      expect(await expectReportedAsValidateSays(handled)).toEqual(
        expected.split('\n').filter((line) => line.trim() !== ''),
      );
      expect(await recordCount(kafka, inbound())).toBe(before);
    },
  );

  it('delivers nothing new when the same XML zorgmelding is dropped again', async () => {
    const before = await recordCount(kafka, inbound());

    const handled = await chain.corvInbox.drop('zorgmelding-eindhoven.xml', eindhoven.xml);

    expect(handled.outcome).toBe('processed');
    expect(await recordCount(kafka, inbound())).toBe(before);
    await chain.outboxes['VT-ZOB'].quiet();
    expect(deliveriesOf('VT-ZOB', eindhoven.reference)).toHaveLength(1);
  });
});
