import { readFileSync } from 'node:fs';
import { keyFiles, readPrivateKey, signDetached } from '@samenloop/crypto';
import { DeliveryWatcher } from '../support/delivery-watcher';
import type { GatewayProcess } from '../support/gateway-process';
import { newGatewayScenario, type GatewayScenario } from '../support/gateway-scenario';
import { produce, readToEnd, testKafka } from '../support/kafka-test-kit';
import { policeNumber, submissionFrom } from '../support/partner-kit';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
// The largest limit the gateway takes, so the stuffed record below reaches it whole.
const LIMIT = 1_000_000;

/** The process's peak resident memory so far (Linux `VmHWM`), in MiB. */
function peakRssMiB(pid: number): number {
  const line = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmHWM for process ${pid}`);
  return Number(line[1]) / 1024;
}

/**
 * Issue 13 on a real broker: a signature header stuffed with 2,000 copies of a real signature over
 * a 300 KB value is refused before anything is verified, a value that is not UTF-8 is refused
 * rather than routed with U+FFFD, both senders hear why, and the gateway goes on delivering.
 */
describe('the signed bytes of a submission, on a real broker', () => {
  const kafka = testKafka();
  let scenario: GatewayScenario;
  let gateway: GatewayProcess | undefined;
  let watcher: DeliveryWatcher | undefined;

  afterAll(async () => {
    await gateway?.kill();
    await watcher?.stop();
  });

  it('rejects a stuffed signature and a value that is not UTF-8, then delivers the next valid submission', async () => {
    scenario = await newGatewayScenario(kafka, { GATEWAY_MAX_MESSAGE_BYTES: String(LIMIT) });
    watcher = await DeliveryWatcher.start(kafka, scenario, ['POLITIE-OB', 'VT-ZOB']);
    gateway = await scenario.startGateway();
    const { partners, topics } = scenario;
    const police = policeNumber();
    const zorgmelding = () =>
      submissionFrom(ZORGMELDING, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: police },
      });

    // 2,000 copies of one valid signature by the sender's own key over a 300 KB value.
    const padded = { ...zorgmelding(), pad: 'x'.repeat(300 * 1024) };
    const signedOnce = await partners.signed('POLITIE-OB', padded, police);
    const stuffedHeader = Buffer.concat(
      Array<Buffer>(2_000).fill(signedOnce.headers['samenloop-signature']),
    );
    const stuffed = { ...signedOnce, headers: { 'samenloop-signature': stuffedHeader } };
    // An invalid byte inside a JSON string, signed as it is: it must not arrive as U+FFFD.
    const notUtf8 = zorgmelding();
    const text = Buffer.from(JSON.stringify(notUtf8));
    const at = text.indexOf('hoorbare') + 'hoor'.length;
    const invalidValue = Buffer.concat([
      text.subarray(0, at),
      Buffer.from([0xff]),
      text.subarray(at),
    ]);
    const politieKey = await readPrivateKey(
      readFileSync(keyFiles.partnerPrivate(partners.keysDirectory, 'POLITIE-OB'), 'utf8'),
    );
    const invalid = {
      key: police,
      value: invalidValue,
      headers: {
        'samenloop-signature': Buffer.from(await signDetached(invalidValue, politieKey)),
      },
    };
    const valid = zorgmelding();

    const peakBefore = peakRssMiB(gateway.pid!);
    await produce(kafka, topics.inbound('POLITIE-OB'), [stuffed, invalid]);
    await produce(kafka, topics.inbound('POLITIE-OB'), [
      await partners.signed('POLITIE-OB', valid, police),
    ]);

    await watcher.until(
      () => watcher!.deliveries('VT-ZOB', 'zorgmelding').find((d) => d.messageId === valid.id),
      'the valid zorgmelding at VT-ZOB',
    );
    const answers = await watcher.until(() => {
      const all = watcher!.all('POLITIE-OB');
      return all.length >= 3 ? all : undefined;
    }, 'three answers to POLITIE-OB');
    expect(answers.map((answer) => answer.type)).toEqual(['rejection', 'rejection', 'receipt']);
    expect(answers[0]!.document.errors).toEqual([
      {
        code: 'invalid-signature',
        message: expect.stringMatching(
          /^the samenloop-signature header is 378000 bytes; at most 8192 are read/,
        ) as unknown,
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
    expect(watcher.deliveries('VT-ZOB', 'zorgmelding').map((d) => d.messageId)).toEqual([valid.id]);
    // Before the limits, verifying the stuffed header alone took over 600 MB.
    expect(peakRssMiB(gateway.pid!) - peakBefore).toBeLessThan(150);

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
