import { InboxClient } from '../support/connector-inbox-client';
import { createConnectorCredentials } from '../support/connector-credentials';
import { ConnectorProcess } from '../support/connector-process';
import { restartableBroker } from '../support/local-broker-control';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { readToEnd, testKafka } from '../support/kafka-test-kit';
import { runningHub } from '../support/running-hub';
import { zorgmeldingenOnKafka } from '../support/connector-submission';

const MESSAGES = 12;

/**
 * The connector is SIGKILLed between receiving documents from Kafka and the case system's
 * acknowledgement — while the hub is still delivering — and after an acknowledgement: the next
 * connector hands every document over again, each once, and each acknowledgement stays one. The
 * broker going away and coming back loses and repeats nothing either.
 */
describe('connector inbox after a crash', () => {
  const kafka = testKafka();
  const running = runningHub();
  const connectors: ConnectorProcess[] = [];

  afterEach(async () => {
    for (const connector of connectors.splice(0)) await connector.kill('SIGKILL');
  });

  /** VT-ZOB's connector as its own process, the real bundle, called as its case system would. */
  const startConnector = async () => {
    const connector = await ConnectorProcess.create(
      running.scenario,
      'VT-ZOB',
      await createConnectorCredentials(),
    );
    connectors.push(connector);
    await connector.start();
    return { connector, client: InboxClient.of(connector.client()) };
  };

  const submitZorgmeldingen = (count: number) =>
    zorgmeldingenOnKafka(kafka, running.scenario, count);

  it('hands every document over again after a SIGKILL, each once, and keeps one acknowledgement', async () => {
    running.scenario = await newGatewayScenario(kafka);
    const watcher = await DeliveryWatcher.start(kafka, running.scenario, ['VT-ZOB']);
    running.watcher = watcher;
    running.gateway = await running.scenario.startGateway();
    const first = await startConnector();

    const sent = await submitZorgmeldingen(MESSAGES);
    // Killed as soon as it shows something: usually while the rest is still on its way.
    await first.client.until((items) => items.length > 0, 'a first delivery');
    await first.connector.kill('SIGKILL');
    const delivered = await watcher.until(() => {
      const found = watcher.deliveries('VT-ZOB', 'zorgmelding');
      return found.length >= MESSAGES ? found : undefined;
    }, `${MESSAGES} deliveries at VT-ZOB`);

    const second = await startConnector();
    const items = await second.client.until(
      (read) => read.length >= MESSAGES,
      `${MESSAGES} documents after the restart`,
    );
    expect(items.map((item) => item.id).sort()).toEqual(
      delivered.map((document) => String(document.deliveryId)).sort(),
    );
    expect(items.map((item) => item.document.messageId).sort()).toEqual([...sent].sort());
    expect(items.every((item) => !item.bevestigd)).toBe(true);

    const [taken] = items;
    expect((await second.client.acknowledge(taken!.id)).body).toMatchObject({ eerder: false });
    await second.connector.kill('SIGKILL');
    const third = await startConnector();

    const after = await third.client.all();
    expect(after.map(({ id, cursor }) => ({ id, cursor }))).toEqual(
      items.map(({ id, cursor }) => ({ id, cursor })),
    );
    expect(after.filter((item) => item.bevestigd).map((item) => item.id)).toEqual([taken!.id]);
    expect((await third.client.acknowledge(taken!.id)).body).toMatchObject({ eerder: true });
    const acknowledgements = await readToEnd(
      kafka,
      running.scenario.topics.connector('VT-ZOB').acknowledgements,
    );
    expect(acknowledgements.map((record) => record.key)).toEqual([taken!.id]);
  });

  // Last: the broker takes a while to lead every partition again after a restart.
  it('hands every document over once when the broker stops and starts again', async () => {
    const broker = restartableBroker();
    running.scenario = await newGatewayScenario(kafka);
    running.gateway = await running.scenario.startGateway();
    const { client } = await startConnector();
    const sent = await submitZorgmeldingen(MESSAGES);
    await client.until((items) => items.length > 0, 'a first delivery');

    broker.stop();
    broker.start();

    const items = await client.until(
      (read) => read.length >= MESSAGES,
      `${MESSAGES} documents after the broker restart`,
      150_000,
    );
    expect(items.map((item) => item.document.messageId).sort()).toEqual([...sent].sort());
    expect(new Set(items.map((item) => item.id)).size).toBe(MESSAGES);
    expect((await client.acknowledge(items[0]!.id)).body).toMatchObject({ eerder: false });
  }, 300_000);
});
