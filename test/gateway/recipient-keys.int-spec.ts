import { renameSync } from 'node:fs';
import { CLOUDEVENTS_HEADERS } from '@samenloop/contracts';
import { keyFiles } from '@samenloop/crypto';
import { DeliveryWatcher, type HubDocument } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import {
  consumeUntil,
  produce,
  readToEnd,
  testKafka,
  type ConsumedRecord,
} from '../support/kafka-test-kit';
import { policeNumber, submissionFrom, zsmCaseId } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
const ENTRY = 'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json';

interface Receipt {
  readonly messageId: string;
  readonly deliveredTo: readonly { recipient: string; deliveryId: string }[];
  readonly wachtOpSleutel?: readonly { recipient: string; deliveryId: string; reden: string }[];
}

/**
 * A recipient whose key is missing, expires or is revoked waits alone: everyone else is served at
 * once, the sender is told, nothing goes out in clear or as a dead letter, and the waiting
 * deliveries go out (once, with the ids the receipts named) when the recipient has a usable key.
 */
describe('a recipient without a usable key', () => {
  const kafka = testKafka();
  const running = runningHub();

  const start = async () => {
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, [
      'POLITIE-OB',
      'VT-ZOB',
      'OM',
    ]);
    running.gateway = await running.scenario.startGateway();
  };

  /** Submits a police zorgmelding for a new case and returns the police's receipt of it. */
  const zorgmelding = async (): Promise<Receipt> => {
    const nummer = policeNumber();
    const submission = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: nummer },
    });
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), [
      await running.scenario.partners.sealed('POLITIE-OB', submission, nummer),
    ]);
    return receiptOf(submission.id);
  };

  const receiptOf = (messageId: string) =>
    running.watcher!.until(
      () =>
        running
          .watcher!.all('POLITIE-OB')
          .find((entry) => entry.type === 'receipt' && entry.document.messageId === messageId)
          ?.document as Receipt | undefined,
      `the receipt of ${messageId}`,
    );

  const deliveredTo = (partnerId: string, deliveryId: string) =>
    running.watcher!.until(
      () =>
        running
          .watcher!.all(partnerId)
          .find((entry) => entry.type === 'delivery' && entry.document.deliveryId === deliveryId),
      `delivery ${deliveryId} at ${partnerId}`,
    );

  const tick = () => running.scenario.tick();

  /** Nothing was dead-lettered, and a new zorgmelding reaches VT-ZOB at once. */
  const expectHealthyAfterwards = async () => {
    expect(await readToEnd(kafka, running.scenario.topics.deadLetter)).toEqual([]);
    const receipt = await zorgmelding();
    expect(receipt.wachtOpSleutel).toBeUndefined();
    await deliveredTo('VT-ZOB', receipt.deliveredTo[0]!.deliveryId);
    expect(running.gateway!.logs).not.toMatch(/unexpected/i);
  };

  it('holds only its own deliveries, serves the others at once, and delivers each once when its key is registered', async () => {
    running.scenario = await newGatewayScenario(kafka);
    const keyFile = keyFiles.partnerPublic(running.scenario.partners.keysDirectory, 'VT-ZOB');
    renameSync(keyFile, `${keyFile}.withheld`);
    await start();
    await running.gateway!.logged(/"alert":"missing-partner-key","partner":"VT-ZOB"/);

    // The ZSM entry goes to OM and VT-ZOB: OM is served now, VT-ZOB's part waits.
    const police = policeNumber();
    const zsm = zsmCaseId();
    const entry = submissionFrom(ENTRY, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: police, zsmZaakId: zsm },
      payload: { '/zsmZaakId': zsm, '/huishouden': { gemeentecode: 'GM0772' } },
    });
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), [
      await running.scenario.partners.sealed('POLITIE-OB', entry, police),
    ]);
    const entryReceipt = await receiptOf(entry.id);
    const toOm = entryReceipt.deliveredTo.find((delivery) => delivery.recipient === 'OM');
    await deliveredTo('OM', toOm!.deliveryId);
    expect(entryReceipt.deliveredTo.map((delivery) => delivery.recipient)).not.toContain('VT-ZOB');
    expect(entryReceipt.wachtOpSleutel).toEqual([
      expect.objectContaining({ recipient: 'VT-ZOB', reden: 'sleutel-ontbreekt' }),
    ]);
    // A later message on the same topic is not held behind it.
    const later = await zorgmelding();
    expect(later.wachtOpSleutel).toEqual([
      expect.objectContaining({ recipient: 'VT-ZOB', reden: 'sleutel-ontbreekt' }),
    ]);
    expect(running.watcher!.all('VT-ZOB')).toEqual([]);

    renameSync(`${keyFile}.withheld`, keyFile);
    await tick();

    const waited = [entryReceipt.wachtOpSleutel![0]!, later.wachtOpSleutel![0]!];
    for (const { deliveryId } of waited) await deliveredTo('VT-ZOB', deliveryId);
    await expectHealthyAfterwards();
    // Each waiting delivery went out once.
    const atVt = running
      .watcher!.all('VT-ZOB')
      .map((entry: HubDocument) => entry.document.deliveryId as string);
    for (const { deliveryId } of waited)
      expect(atVt.filter((id) => id === deliveryId)).toHaveLength(1);
  });

  it('waits for a renewed key when its key expires while the gateway runs, instead of dead-lettering', async () => {
    running.scenario = await newGatewayScenario(kafka);
    const expiresAt = Date.now() + 30_000;
    await running.scenario.partners.renewKey('VT-ZOB', { expiresInSeconds: 30 });
    await start();

    const before = await zorgmelding();
    await deliveredTo('VT-ZOB', before.deliveredTo[0]!.deliveryId);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 1_500)),
    );

    const after = await zorgmelding();
    expect(after.deliveredTo).toEqual([]);
    expect(after.wachtOpSleutel).toEqual([
      expect.objectContaining({ recipient: 'VT-ZOB', reden: 'sleutel-verlopen' }),
    ]);

    await running.scenario.partners.renewKey('VT-ZOB');
    await tick();

    const released = await deliveredTo('VT-ZOB', after.wachtOpSleutel![0]!.deliveryId);
    expect(released.document.messageType).toBe('nl.samenloop.zorgmelding');
    await expectHealthyAfterwards();
  }, 120_000);

  it('never encrypts to a key revoked while the gateway runs, and delivers to the next key registered', async () => {
    running.scenario = await newGatewayScenario(kafka);
    await start();
    const before = await zorgmelding();
    await deliveredTo('VT-ZOB', before.deliveredTo[0]!.deliveryId);

    await running.scenario.partners.revokeKey('VT-ZOB');
    const after = await zorgmelding();
    expect(after.wachtOpSleutel).toEqual([
      expect.objectContaining({ recipient: 'VT-ZOB', reden: 'sleutel-ingetrokken' }),
    ]);

    await running.scenario.partners.renewKey('VT-ZOB');
    await tick();

    const { deliveryId } = after.wachtOpSleutel![0]!;
    await deliveredTo('VT-ZOB', deliveryId);
    // Not readToEnd: its end marker on the delivery topic would be a record the watcher cannot open.
    const isReleased = (delivery: ConsumedRecord) =>
      delivery.headers[CLOUDEVENTS_HEADERS.id] === deliveryId;
    const record = (
      await consumeUntil(kafka, running.scenario.topics.delivery('VT-ZOB'), (read) =>
        read.some(isReleased),
      )
    ).find(isReleased);
    // Encrypted to the new key alone: the revoked one cannot open it.
    await expect(
      running.scenario.partners.open(record!, 'VT-ZOB', { onlyNewestKey: true }),
    ).resolves.toMatchObject({ deliveryId });
    await expectHealthyAfterwards();
  });
});
