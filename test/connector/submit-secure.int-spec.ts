import { createConnectorCredentials } from '../support/connector-credentials';
import { ConnectorProcess } from '../support/connector-process';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { testKafka } from '../support/kafka-test-kit';
import { policeNumber, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';
import { secureClientEnvironment } from '../support/secure-broker';
import { aclApply, partnerKafka } from '../secure/secure-clients';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';

/**
 * On the secure broker the connector logs in as its partner and gets by with the partner's ACLs
 * from `samenloop acl apply`: it creates its own topics, submits in transactions under the
 * partner's prefix and reads its submissions back after a restart.
 */
describe('the partner connector on the secure broker', () => {
  const admin = testKafka('test-admin', secureClientEnvironment('admin'));
  const running = runningHub('afterAll');
  let connector: ConnectorProcess | undefined;

  afterAll(async () => {
    await connector?.kill('SIGKILL');
  });

  it("submits with the partner's own login and ACLs, and restores its submissions after a restart", async () => {
    running.scenario = await newGatewayScenario(admin, secureClientEnvironment('samenloop-hub'));
    expect(await aclApply(running.scenario.settings)).toMatchObject({ code: 0, stderr: '' });
    running.watcher = await DeliveryWatcher.start(partnerKafka, running.scenario, [
      'POLITIE-OB',
      'VT-ZOB',
    ]);
    running.gateway = await running.scenario.startGateway();
    connector = await ConnectorProcess.create(
      running.scenario,
      'POLITIE-OB',
      await createConnectorCredentials(),
      { mode: 'mtls', settings: secureClientEnvironment('POLITIE-OB') },
    );
    await connector.start();
    const submission = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: policeNumber() },
    });
    const data = submission.data as Record<string, unknown>;
    const body = {
      type: 'zorgmelding',
      occurredAt: data.occurredAt,
      zaakReferenties: data.zaakReferenties,
      payload: data.payload,
    };
    const headers = { 'Idempotency-Key': 'beveiligd-1' };

    const first = await connector
      .client()
      .call('POST', '/v1/berichten', { body: body, headers: headers });
    await connector.kill('SIGTERM');
    await connector.start();
    const retry = await connector
      .client()
      .call('POST', '/v1/berichten', { body: body, headers: headers });

    expect(first.status).toBe(202);
    expect(retry).toMatchObject({ status: 202, body: { id: first.body.id } });
    const watcher = running.watcher;
    expect((await watcher.answerTo('POLITIE-OB', String(first.body.id))).type).toBe('receipt');
    expect(
      watcher.deliveries('VT-ZOB', 'zorgmelding').map((delivery) => delivery.messageId),
    ).toEqual([first.body.id]);
  });
});
