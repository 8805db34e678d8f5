import { randomUUID } from 'node:crypto';
import { access, copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { keyFiles, readPrivateKey, readPublicKey, signAndEncrypt } from '@samenloop/crypto';
import { newGatewayScenario } from '../support/gateway-scenario';
import { requireGnupg } from '../support/gnupg-home';
import { brokersFromEnvironment, produce, testKafka } from '../support/kafka-test-kit';
import { requireKcat } from '../support/kcat';
import { ROOT, policeNumber, registry } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';
import { PartnerMachine, recipeBlocks, requireJq } from './partner-recipe';

const ZORGMELDING = 'schemas/zorgmelding/examples/valid/partnergeweld-met-kinderen.json';

interface Delivery {
  readonly deliveryId: string;
  readonly messageId: string;
  readonly sender: string;
  readonly recipient: string;
  readonly niveau: string;
  readonly payload?: Record<string, unknown>;
}

interface Receipt {
  readonly messageId: string;
  readonly deliveredTo: readonly { recipient: string; deliveryId: string }[];
}

/**
 * docs/partners.md, kept honest: its `recipe:` blocks run exactly as printed, on two partner
 * machines that have only the shell, gpg, kcat and jq. The operator's side is the hub's own.
 */
describe('docs/partners.md followed as a recipe', () => {
  const kafka = testKafka();
  const running = runningHub();
  const machines: PartnerMachine[] = [];

  beforeAll(() => {
    requireGnupg();
    requireKcat();
    requireJq();
  });

  afterEach(async () => {
    for (const machine of machines.splice(0)) await machine.dispose();
  });

  /** A partner's machine with the connection settings of the guide's table for `partnerId`. */
  const machineOf = async (partnerId: string) => {
    const partner = registry.partners.find((candidate) => candidate.id === partnerId)!;
    const machine = await PartnerMachine.create(await recipeBlocks(), {
      PARTNER_ID: partner.id,
      PARTNER_OIN: partner.oin,
      KAFKA_BROKERS: brokersFromEnvironment().join(','),
      KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT',
      SAMENLOOP_TOPIC_NAMESPACE: running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!,
    });
    machines.push(machine);
    await machine.runOk('connect');
    await machine.runOk('make-key');
    return machine;
  };

  /**
   * The operator's side of sections 2 and 3: registers the partner's public key where the running
   * hub reads it, and hands over the hub's public key file; returns the hub's fingerprint, which
   * the operator reads out over a second channel.
   */
  const operatorOnboards = async (machine: PartnerMachine, partnerId: string) => {
    const keys = running.scenario.partners.keysDirectory;
    await copyFile(
      machine.file(`${partnerId}.public.asc`),
      keyFiles.partnerPublic(keys, partnerId),
    );
    await copyFile(keyFiles.hubPublic(keys), machine.file('samenloop-hub.public.asc'));
    return (await readPublicKey(await readFile(keyFiles.hubPublic(keys), 'utf8'))).fingerprint;
  };

  /** A delivery in the hub's form, encrypted to the partner's key but signed by another key. */
  const forgedDelivery = async (recipientKeyFile: string) => {
    const keys = running.scenario.partners.keysDirectory;
    const value = await signAndEncrypt(
      Buffer.from(JSON.stringify({ deliveryId: randomUUID(), recipient: 'VT-ZOB' })),
      {
        signingKey: await readPrivateKey(
          await readFile(keyFiles.partnerPrivate(keys, 'POLITIE-OB'), 'utf8'),
        ),
        encryptionKeys: [await readPublicKey(await readFile(recipientKeyFile, 'utf8'))],
      },
    );
    return {
      key: `case-${randomUUID()}`,
      value: Buffer.from(value),
      headers: { ce_type: 'nl.samenloop.delivery', 'content-type': 'application/pgp-encrypted' },
    };
  };

  it('lets POLITIE-OB submit a zorgmelding that VT-ZOB receives and verifies, and POLITIE-OB match its receipt, with only gpg, kcat and jq', async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.gateway = await running.scenario.startGateway();
    const [politie, veiligThuis] = await Promise.all([
      machineOf('POLITIE-OB'),
      machineOf('VT-ZOB'),
    ]);
    for (const [machine, partnerId] of [
      [politie, 'POLITIE-OB'],
      [veiligThuis, 'VT-ZOB'],
    ] as const) {
      const hubFingerprint = await operatorOnboards(machine, partnerId);
      machine.set({ HUB_FINGERPRINT: hubFingerprint });
    }

    // A key file that is not the one the operator named is refused before it is imported.
    const wrongFingerprint = await politie.run('trust-hub-key', {
      HUB_FINGERPRINT: 'A'.repeat(40),
    });
    expect(wrongFingerprint.exitCode).not.toBe(0);
    expect(wrongFingerprint.stderr).toContain('do not use it');
    await Promise.all([politie.runOk('trust-hub-key'), veiligThuis.runOk('trust-hub-key')]);

    // A record for VT-ZOB that someone else signed is discarded, and the next one is read after it.
    await produce(kafka, running.scenario.topics.delivery('VT-ZOB'), [
      await forgedDelivery(veiligThuis.file('VT-ZOB.public.asc')),
    ]);
    const discarded = await veiligThuis.run('receive');
    expect(discarded.exitCode).not.toBe(0);
    expect(discarded.stderr).toContain('not signed by the hub key: discarded');
    await expect(access(veiligThuis.file('received.json'))).rejects.toThrow();

    const example = JSON.parse(await readFile(path.join(ROOT, ZORGMELDING), 'utf8')) as {
      data: { payload: object };
    };
    await writeFile(politie.file('zorgmelding.json'), JSON.stringify(example.data.payload));
    await politie.runOk('submit', { CASE_REFERENCE: policeNumber() });
    const [messageId] = (await readFile(politie.file('sent-message-ids'), 'utf8')).split('\n');

    const received = await veiligThuis.runOk('receive');
    const delivery = JSON.parse(
      await readFile(veiligThuis.file('received.json'), 'utf8'),
    ) as Delivery;
    expect(received).toContain(`delivery ${delivery.deliveryId}`);
    expect(delivery).toMatchObject({
      messageId,
      sender: 'POLITIE-OB',
      recipient: 'VT-ZOB',
      niveau: 'inhoud',
    });
    expect(delivery.payload).toHaveProperty('incident');

    const answered = await politie.runOk('receive');
    const receipt = JSON.parse(await readFile(politie.file('received.json'), 'utf8')) as Receipt;
    expect(answered).toContain(`receipt for message ${messageId}`);
    expect(receipt.messageId).toBe(messageId);
    expect(receipt.deliveredTo).toContainEqual(
      expect.objectContaining({ recipient: 'VT-ZOB', deliveryId: delivery.deliveryId }),
    );
  });
});
