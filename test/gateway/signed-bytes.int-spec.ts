import { readFileSync } from 'node:fs';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { produce, readToEnd, testKafka } from '../support/kafka-test-kit';
import { policeNumber, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
// The largest limit the gateway takes: the bomb below inflates far beyond even that.
const LIMIT = 1_000_000;

/** The process's peak resident memory so far (Linux `VmHWM`), in MiB. */
function peakRssMiB(pid: number): number {
  const line = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmHWM for process ${pid}`);
  return Number(line[1]) / 1024;
}

/**
 * Issues 13 and 14 on a real broker: a compressed submission that inflates to 200 MB is refused
 * at the limit without being inflated whole, a plaintext that is not UTF-8 is refused rather than
 * routed with U+FFFD, both senders hear why, and the gateway goes on delivering.
 */
describe('the signed bytes of a submission, on a real broker', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');

  it('rejects a decompression bomb and a plaintext that is not UTF-8, then delivers the next valid submission', async () => {
    running.scenario = await newGatewayScenario(kafka, {
      GATEWAY_MAX_MESSAGE_BYTES: String(LIMIT),
    });
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, [
      'POLITIE-OB',
      'VT-ZOB',
    ]);
    running.gateway = await running.scenario.startGateway();
    const { partners, topics } = running.scenario;
    const police = policeNumber();
    const zorgmelding = () =>
      submissionFrom(ZORGMELDING, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: police },
      });

    // 200 MB of spaces, compressed to a few hundred KB, signed by the sender's own key.
    const bomb = await partners.sealedBytes(
      'POLITIE-OB',
      new Uint8Array(200 * 1024 * 1024).fill(0x20),
      police,
      { zlib: true },
    );
    expect(bomb.value.length).toBeLessThan(LIMIT);
    // An invalid byte inside a JSON string, signed as it is: it must not arrive as U+FFFD.
    const notUtf8 = zorgmelding();
    const text = Buffer.from(JSON.stringify(notUtf8));
    const at = text.indexOf('hoorbare') + 'hoor'.length;
    const invalid = await partners.sealedBytes(
      'POLITIE-OB',
      Buffer.concat([text.subarray(0, at), Buffer.from([0xff]), text.subarray(at)]),
      police,
    );
    const valid = zorgmelding();

    const peakBefore = peakRssMiB(running.gateway.pid!);
    await produce(kafka, topics.inbound('POLITIE-OB'), [bomb, invalid]);
    await produce(kafka, topics.inbound('POLITIE-OB'), [
      await partners.sealed('POLITIE-OB', valid, police),
    ]);

    await running.watcher.until(
      () =>
        running.watcher!.deliveries('VT-ZOB', 'zorgmelding').find((d) => d.messageId === valid.id),
      'the valid zorgmelding at VT-ZOB',
    );
    const answers = await running.watcher.until(() => {
      const all = running.watcher!.all('POLITIE-OB');
      return all.length >= 3 ? all : undefined;
    }, 'three answers to POLITIE-OB');
    expect(answers.map((answer) => answer.type)).toEqual(['rejection', 'rejection', 'receipt']);
    expect(answers[0]!.document.errors).toEqual([
      {
        code: 'too-large',
        message: `the decrypted (decompressed) submission is over ${LIMIT} bytes, the hub's maximum; decompression stopped there`,
      },
    ]);
    expect(answers[1]!.document).toMatchObject({
      messageId: notUtf8.id,
      errors: [
        {
          code: 'not-json',
          message: expect.stringContaining(`not valid UTF-8 at byte ${at};`) as unknown,
        },
      ],
    });
    expect(answers[2]!.document).toMatchObject({ messageId: valid.id });
    expect(running.watcher.deliveries('VT-ZOB', 'zorgmelding').map((d) => d.messageId)).toEqual([
      valid.id,
    ]);
    // Inflated whole, the bomb alone would take 200 MB.
    expect(peakRssMiB(running.gateway.pid!) - peakBefore).toBeLessThan(150);

    // Only the rejection after the signature held is audited, in the sender's name.
    // Read to the end of every partition: the audit's records are spread over them by message id.
    const audit = await readToEnd(kafka, topics.audit);
    const rejections = audit
      .map((record) => JSON.parse(record.value ?? '{}') as Record<string, unknown>)
      .filter((entry) => entry.kind === 'rejection');
    expect(rejections).toEqual([
      expect.objectContaining({ messageId: notUtf8.id, sender: 'POLITIE-OB', codes: ['not-json'] }),
    ]);
  });
});
