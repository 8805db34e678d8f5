import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { CLOUDEVENTS_HEADERS, hubDocumentCloudEventType } from '@samenloop/contracts';
import {
  keyFiles,
  readKeyFile,
  readPrivateKey,
  readPublicKey,
  signAndEncrypt,
} from '@samenloop/crypto';
import { PartnerClient } from '../../apps/cli/src/partner/partner-client';
import { newGatewayScenario } from '../support/gateway-scenario';
import {
  clientSettingsFromEnvironment,
  consumeUntil,
  produce,
  testKafka,
} from '../support/kafka-test-kit';
import { ROOT } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

/**
 * On a real broker: `partner receive` shows only what the hub signed, each
 * document once (also across runs), and reads past records it cannot use instead of stopping.
 */
describe('partner receive fails safe', () => {
  const kafka = testKafka();
  const running = runningHub();

  it('shows the genuine delivery once, past a record that is not OpenPGP, a forged delivery and copies of the genuine one', async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.gateway = await running.scenario.startGateway();
    const { keysDirectory } = running.scenario.partners;
    const settings = {
      ...clientSettingsFromEnvironment(),
      keysDirectory,
      topicNamespace: running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!,
    };
    const topic = running.scenario.topics.delivery('VT-ZOB');
    const asDelivery = { [CLOUDEVENTS_HEADERS.type]: hubDocumentCloudEventType('delivery') };
    // Signed by a partner's key instead of the hub's, encrypted to VT-ZOB: it opens, but is forged.
    const forged = await signAndEncrypt(
      Buffer.from(JSON.stringify({ deliveryId: randomUUID(), messageType: 'forged' })),
      {
        signingKey: await readPrivateKey(
          (await readKeyFile(keyFiles.partnerPrivate(keysDirectory, 'POLITIE-OB')))!,
        ),
        encryptionKeys: [
          await readPublicKey(
            (await readKeyFile(keyFiles.partnerPublic(keysDirectory, 'VT-ZOB')))!,
          ),
        ],
      },
    );
    await produce(kafka, topic, [
      { key: 'planted', value: 'not an OpenPGP message', headers: asDelivery },
      { key: 'planted', value: Buffer.from(forged), headers: asDelivery },
    ]);
    const sent = await (
      await PartnerClient.open(settings, 'POLITIE-OB')
    ).send(path.join(ROOT, 'deploy/demo/3-zorgmelding-politie.json'), { freshId: true });
    const genuine = (
      await consumeUntil(kafka, topic, (records) => records.some((r) => r.key !== 'planted'))
    ).find((record) => record.key !== 'planted')!;
    const copy = { key: genuine.key!, value: genuine.bytes!, headers: genuine.headers };
    await produce(kafka, topic, [copy]);

    const first = await (
      await PartnerClient.open(settings, 'VT-ZOB')
    ).receive({ idleMs: 1_000, maxMs: 30_000 });

    expect(first.documents).toEqual([
      expect.objectContaining({
        type: 'delivery',
        document: expect.objectContaining({ messageId: sent.messageId }) as unknown,
      }),
    ]);
    const deliveryId = first.documents[0]!.document.deliveryId;
    expect(first.refused.map((record) => record.reason).sort()).toEqual([
      'already-received',
      'hub-signature-invalid',
      'undecryptable',
    ]);
    expect(JSON.stringify(first.refused)).not.toContain('forged');

    // A later run, another copy: remembered beside the partner's keys, not shown again.
    await produce(kafka, topic, [copy]);
    const second = await (
      await PartnerClient.open(settings, 'VT-ZOB')
    ).receive({ idleMs: 1_000, maxMs: 30_000 });

    expect(second).toEqual({
      documents: [],
      refused: [expect.objectContaining({ reason: 'already-received', documentId: deliveryId })],
    });
  });
});
