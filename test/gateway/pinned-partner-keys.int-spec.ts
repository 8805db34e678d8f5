import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keyFiles, readPublicKey } from '@samenloop/crypto';
import { readPartnerKeyPins } from '@samenloop/partners';
import { encryptKey, readPrivateKey } from 'openpgp';
import { registerPartnerKey } from '../../apps/cli/src/partner/register-partner-key';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { GatewayProcess } from '../support/gateway-process';
import { newGatewayScenario } from '../support/gateway-scenario';
import { produce, testKafka } from '../support/kafka-test-kit';
import { policeNumber, registry, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';

interface Receipt {
  readonly messageId: string;
  readonly deliveredTo: readonly { recipient: string; deliveryId: string }[];
  readonly wachtOpSleutel?: readonly { recipient: string; deliveryId: string; reden: string }[];
}

/**
 * Whoever can write the keys folder must not be able to impersonate a partner or read its
 * deliveries: a key file counts only when the registry's pins vouch for it, for that partner.
 */
describe('partner keys pinned in the registry', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');

  /** As the hub operator does: `samenloop partner register --id <partner> --key <file>`. */
  const registerKey = (partnerId: string, keyFile: string) =>
    registerPartnerKey({
      partnerId,
      keyFile,
      registry,
      registrySource: 'oost-brabant.yaml',
      keysDirectory: running.scenario.partners.keysDirectory,
      partnerKeysFile: running.scenario.partners.partnerKeysFile,
    });

  /** A police zorgmelding about a household in `gemeentecode`; resolves with the police's receipt. */
  const zorgmelding = async (gemeentecode: string): Promise<Receipt> => {
    const nummer = policeNumber();
    const submission = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: nummer },
      payload: {
        '/incident/plaats/gemeentecode': gemeentecode,
        '/huishouden/adres/gemeentecode': gemeentecode,
      },
    });
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), [
      await running.scenario.partners.sealed('POLITIE-OB', submission, nummer),
    ]);
    return (await running.watcher!.answerTo('POLITIE-OB', submission.id))
      .document as unknown as Receipt;
  };

  const deliveriesTo = (partnerId: string) =>
    running.watcher!.all(partnerId).filter((entry) => entry.type === 'delivery');

  beforeAll(async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, [
      'POLITIE-OB',
      'VT-ZOB',
      'VT-BNO',
    ]);
    running.gateway = await running.scenario.startGateway();
  });

  it('does not use a substituted key file: the delivery waits with an alert, and goes out once the key is registered, without a restart', async () => {
    const mark = running.gateway!.logs.length;
    // A valid key put in VT-ZOB's place in the keys folder, pinned nowhere.
    await running.scenario.partners.renewKey('VT-ZOB', { pin: false });

    const receipt = await zorgmelding('GM0772');

    expect(receipt.deliveredTo.map((delivery) => delivery.recipient)).not.toContain('VT-ZOB');
    expect(receipt.wachtOpSleutel).toEqual([
      expect.objectContaining({ recipient: 'VT-ZOB', reden: 'sleutel-niet-vastgelegd' }),
    ]);
    await running.gateway!.logged(
      /"alert":"unpinned-partner-key","partner":"VT-ZOB","problem":"sleutel-niet-vastgelegd","reason":"VT-ZOB: key [0-9A-F]{40} in the keys folder is not pinned for VT-ZOB/,
      mark,
    );
    expect(deliveriesTo('VT-ZOB')).toEqual([]);

    const registered = await registerKey(
      'VT-ZOB',
      keyFiles.partnerPublic(running.scenario.partners.keysDirectory, 'VT-ZOB'),
    );
    expect(registered.pinned).toHaveLength(2); // the earlier key stays pinned for the overlap
    await running.scenario.tick(new Date());

    const waiting = receipt.wachtOpSleutel![0]!.deliveryId;
    await running.watcher!.until(
      () => deliveriesTo('VT-ZOB').find((entry) => entry.document.deliveryId === waiting),
      `the waiting delivery ${waiting} at VT-ZOB`,
    );
    const next = await zorgmelding('GM0772');
    expect(next.wachtOpSleutel).toBeUndefined();
    expect(next.deliveredTo.map((delivery) => delivery.recipient)).toContain('VT-ZOB');
  });

  it("refuses one partner's key for another: in the keys folder, and when registering it", async () => {
    const mark = running.gateway!.logs.length;
    const vtZobKey = keyFiles.partnerPublic(running.scenario.partners.keysDirectory, 'VT-ZOB');
    // VT-ZOB's key put in VT-BNO's place: VT-ZOB could read VT-BNO's deliveries if it were used.
    copyFileSync(
      vtZobKey,
      keyFiles.partnerPublic(running.scenario.partners.keysDirectory, 'VT-BNO'),
    );

    const receipt = await zorgmelding('GM0796');

    expect(receipt.wachtOpSleutel).toEqual([
      expect.objectContaining({ recipient: 'VT-BNO', reden: 'sleutel-niet-vastgelegd' }),
    ]);
    await running.gateway!.logged(
      /"alert":"unpinned-partner-key","partner":"VT-BNO".*is pinned for VT-ZOB, not for VT-BNO/,
      mark,
    );
    expect(deliveriesTo('VT-BNO')).toEqual([]);

    await expect(registerKey('VT-BNO', vtZobKey)).rejects.toThrow(
      /is already pinned for VT-ZOB: one key cannot serve two partners/,
    );
    const { fingerprint } = await readPublicKey(readFileSync(vtZobKey, 'utf8'));
    const pins = await readPartnerKeyPins(running.scenario.partners.partnerKeysFile, registry);
    expect(pins.ownerOf(fingerprint)).toBe('VT-ZOB');
    expect(pins.pinned('VT-BNO')).not.toContain(fingerprint);
  });
});

describe('a passphrase-protected hub key', () => {
  const kafka = testKafka();
  const running = runningHub();
  const PASSPHRASE = 'lang en geheim wachtwoord voor de hub';

  it('starts the gateway with the passphrase file, and refuses to start without it', async () => {
    running.scenario = await newGatewayScenario(kafka);
    const hubFile = keyFiles.hubPrivate(running.scenario.partners.keysDirectory);
    const locked = await encryptKey({
      privateKey: await readPrivateKey({ armoredKey: readFileSync(hubFile, 'utf8') }),
      passphrase: PASSPHRASE,
    });
    writeFileSync(hubFile, locked.armor());
    const passphraseFile = path.join(
      path.dirname(running.scenario.partners.keysDirectory),
      'hub-passphrase',
    );
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });

    const refused = await GatewayProcess.create(running.scenario.settings);
    running.gateway = refused;
    await expect(refused.start()).rejects.toThrow(
      /hub key .*private\.asc \([0-9A-F]{40}\) is passphrase-protected: set SAMENLOOP_HUB_KEY_PASSPHRASE_FILE/,
    );
    expect(await refused.terminate()).toEqual({ code: 1, signal: null });

    running.gateway = await GatewayProcess.create({
      ...running.scenario.settings,
      SAMENLOOP_HUB_KEY_PASSPHRASE_FILE: passphraseFile,
    });
    await running.gateway.start();
    expect(running.gateway.logs).toContain('gateway ready');
    expect(running.gateway.logs).not.toContain(PASSPHRASE);
  });
});
