import path from 'node:path';
import { PartnerClient } from '../../apps/cli/src/partner/partner-client';
import { newGatewayScenario } from '../support/gateway-scenario';
import { clientSettingsFromEnvironment, testKafka } from '../support/kafka-test-kit';
import { ROOT } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

describe(PartnerClient.name, () => {
  const running = runningHub();

  it('sends a signed submission as one partner and receives the decrypted delivery as another', async () => {
    const scenario = await newGatewayScenario(testKafka());
    running.gateway = await scenario.startGateway();
    const settings = {
      ...clientSettingsFromEnvironment(),
      keysDirectory: scenario.partners.keysDirectory,
      topicNamespace: scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!,
    };
    const politie = await PartnerClient.open(settings, 'POLITIE-OB');
    const veiligThuis = await PartnerClient.open(settings, 'VT-ZOB');

    const sent = await politie.send(path.join(ROOT, 'deploy/demo/3-zorgmelding-politie.json'), {
      freshId: true,
    });
    const [receipt] = (await politie.receive({ idleMs: 1_000, maxMs: 30_000 })).documents;
    const received = await veiligThuis.receive({ idleMs: 1_000, maxMs: 30_000 });

    expect(receipt).toMatchObject({ type: 'receipt', document: { messageId: sent.messageId } });
    expect(received.refused).toEqual([]);
    expect(received.documents).toEqual([
      expect.objectContaining({
        type: 'delivery',
        document: expect.objectContaining({
          messageId: sent.messageId,
          recipient: 'VT-ZOB',
        }) as unknown,
      }),
    ]);
  });
});
