import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { keyFiles, readPublicKey } from '@samenloop/crypto';
import { DEAD_LETTER_HEADERS } from '@samenloop/messaging';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { produce, readToEnd, testKafka } from '../support/kafka-test-kit';
import { policeNumber, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
/** Personal values of the zorgmelding fixture: a name, a BSN and a street. */
const PERSONAL_VALUES = ['Hoogstraten', '999990019', 'Lindelaan'];

/**
 * On a real broker: a submission is one OpenPGP message, signed by its sender and
 * encrypted to the hub. Anything else is rejected with a reason the sender can act on and kept as
 * received in the dead letters (a cleartext one by size and hash only); a decompression bomb does not hurt the gateway; and what sits on
 * the inbound and dead-letter topics is ciphertext, not the fixture's personal data.
 */
describe('encrypted submissions on a real broker', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');

  it('rejects cleartext, misaddressed, forged and bomb submissions with reasons, stays healthy and delivers the next valid one', async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, [
      'POLITIE-OB',
      'VT-ZOB',
    ]);
    running.gateway = await running.scenario.startGateway();
    const { partners, topics } = running.scenario;
    const hub = await readPublicKey(
      await readFile(keyFiles.hubPublic(partners.keysDirectory), 'utf8'),
    );
    const police = policeNumber();
    const zorgmelding = () =>
      submissionFrom(ZORGMELDING, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: police },
      });
    const json = (submission: object) => Buffer.from(JSON.stringify(submission));

    const misaddressed = await partners.sealedBytes('POLITIE-OB', json(zorgmelding()), police, {
      encryptTo: 'VT-BNO',
    });
    // One key for all: one partition, so the answers come in the order the records were sent.
    const cleartext = { key: misaddressed.key, value: json(zorgmelding()) };
    const forged = await partners.sealed('VT-BNO', zorgmelding(), police);
    // 50 MB of zeros, compressed to a few KB, signed by the sender's own key.
    const bomb = await partners.sealedBytes(
      'POLITIE-OB',
      new Uint8Array(50 * 1024 * 1024),
      police,
      { zlib: true },
    );
    await produce(kafka, topics.inbound('POLITIE-OB'), [cleartext, misaddressed, forged, bomb]);

    const answers = await running.watcher.until(() => {
      const all = running.watcher!.all('POLITIE-OB');
      return all.length >= 4 ? all : undefined;
    }, 'four answers to POLITIE-OB');
    expect(answers.map((answer) => answer.type)).toEqual(Array(4).fill('rejection'));
    const errors = answers.map(
      (answer) => answer.document.errors as { code: string; message: string }[],
    );
    expect(errors.map((list) => list.map((error) => error.code))).toEqual([
      ['not-encrypted'],
      ['not-for-hub'],
      ['unknown-sender'],
      ['too-large'],
    ]);
    // The sender is told how to encrypt, to which key.
    expect(errors[0]![0]!.message).toContain(`gpg --sign --encrypt -r ${hub.fingerprint}`);
    expect(errors[3]![0]!.message).toContain('over 524288 bytes');

    const health = /"health":"([^"]+)"/.exec(running.gateway.logs)?.[1];
    expect(health).toBeDefined();
    expect((await fetch(health!)).status).toBe(200);

    const valid = zorgmelding();
    await produce(kafka, topics.inbound('POLITIE-OB'), [
      await partners.sealed('POLITIE-OB', valid, police),
    ]);
    await running.watcher.until(
      () =>
        running.watcher!.deliveries('VT-ZOB', 'zorgmelding').find((d) => d.messageId === valid.id),
      'the valid zorgmelding at VT-ZOB',
    );

    // Each dead letter holds its record exactly as received, as ciphertext — but the cleartext
    // one only by size and hash: the hub writes nothing in clear, not even a sender's mistake.
    const deadLetters = await readToEnd(kafka, topics.deadLetter);
    const sealed = [misaddressed, forged, bomb].map((record) => record.value);
    expect(deadLetters).toHaveLength(4);
    expect(deadLetters.map((record) => record.bytes)).toEqual(
      expect.arrayContaining([...sealed, null]),
    );
    const inClear = deadLetters.find((record) => record.bytes === null);
    expect(inClear?.key).toBeNull();
    expect(inClear?.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.originalSize]: String(cleartext.value.length),
      [DEAD_LETTER_HEADERS.originalSha256]: createHash('sha256')
        .update(cleartext.value)
        .digest('hex'),
      [DEAD_LETTER_HEADERS.originalAbsent]: expect.stringContaining('sent unencrypted') as string,
    });
    // The sealed ones are keyed by the hub's pseudonym of the sender's key, not the key itself.
    for (const record of deadLetters.filter((deadLetter) => deadLetter.bytes !== null))
      expect(record.key).not.toBe(misaddressed.key);

    // Apart from the cleartext submission, nothing on the inbound topic or in the dead letters
    // reads as the fixture: no name, BSN or street in the raw bytes.
    const inbound = await readToEnd(kafka, topics.inbound('POLITIE-OB'));
    expect(inbound).toHaveLength(5);
    const sealedRecords = [...inbound, ...deadLetters]
      .map((record) => record.bytes ?? Buffer.alloc(0))
      .filter((bytes) => !bytes.equals(cleartext.value));
    expect(sealedRecords).toHaveLength(8);
    for (const bytes of sealedRecords)
      for (const value of PERSONAL_VALUES) expect(bytes.includes(value)).toBe(false);
    expect(cleartext.value.includes(PERSONAL_VALUES[0]!)).toBe(true);
  });
});
