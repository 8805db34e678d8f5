import { randomBytes, randomUUID } from 'node:crypto';
import { DEAD_LETTER_HEADERS } from '@samenloop/messaging';
import { Partitioners, type IHeaders, type Kafka } from 'kafkajs';
import { inboxConsumerGroup } from '../../apps/connector/src/inbox/inbox-transport';
import { startInboxConnector, type InboxConnector } from '../support/connector-inbox-app';
import { InboxClient, type OntvangenItem } from '../support/connector-inbox-client';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { consumeUntil, produce, testKafka } from '../support/kafka-test-kit';
import { policeNumber, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';
import { dumpTopics, findValues } from '../support/topic-dump';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';

/**
 * On a real broker with a real gateway: the hub delivers to VT-ZOB and answers POLITIE-OB, and
 * each partner's connector hands over what its own client would see — each document once, in
 * order, after a restart too — and keeps nothing in clear.
 */
describe('connector inbox', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');
  const connectors: InboxConnector[] = [];
  const sent: { id: string; payload: unknown; reference: string }[] = [];
  let vt: InboxClient;
  let politie: InboxClient;
  let vtConnector: InboxConnector;
  let politieConnector: InboxConnector;

  const startConnector = async (partnerId: string) => {
    const connector = await startInboxConnector({
      partnerId,
      topicNamespace: running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!,
      keysDirectory: running.scenario.partners.keysDirectory,
      kafka: testKafka(`connector-${partnerId}`),
    });
    connectors.push(connector);
    return connector;
  };

  /** A police zorgmelding as the police's own system submits it, straight onto Kafka. */
  const submitZorgmelding = async (payload: Record<string, unknown> = {}) => {
    const reference = policeNumber();
    const submission = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: reference },
      payload,
    });
    sent.push({ id: submission.id, payload: submission.data, reference });
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), [
      await running.scenario.partners.sealed('POLITIE-OB', submission, reference),
    ]);
    return submission.id;
  };

  beforeAll(async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, [
      'VT-ZOB',
      'POLITIE-OB',
    ]);
    running.gateway = await running.scenario.startGateway();
    vtConnector = await startConnector('VT-ZOB');
    politieConnector = await startConnector('POLITIE-OB');
    vt = InboxClient.overHttp(vtConnector.baseUrl);
    politie = InboxClient.overHttp(politieConnector.baseUrl);
  });

  afterAll(async () => {
    for (const connector of connectors.splice(0)) await connector.close();
  });

  it('hands each delivery and receipt over once, in order, with what the partner itself decrypts', async () => {
    const first = await submitZorgmelding();
    const second = await submitZorgmelding();
    const watcher = running.watcher!;
    await watcher.answerTo('POLITIE-OB', first);
    await watcher.answerTo('POLITIE-OB', second);
    await watcher.until(
      () => (watcher.deliveries('VT-ZOB', 'zorgmelding').length >= 2 ? true : undefined),
      'two zorgmeldingen at VT-ZOB',
    );

    const vtItems = await vt.until((items) => items.length >= 2, 'two deliveries at VT-ZOB');
    const politieItems = await politie.until((items) => items.length >= 2, 'two receipts');

    expect(vtItems.map((item) => item.type)).toEqual(['delivery', 'delivery']);
    expect(vtItems.map((item) => item.document.messageId).sort()).toEqual([first, second].sort());
    expect(sortedDocuments(vtItems)).toEqual(
      sortedDocuments(watcher.all('VT-ZOB').map(({ document }) => ({ document }))),
    );
    expect(politieItems.map((item) => [item.type, item.document.messageId])).toEqual(
      expect.arrayContaining([
        ['receipt', first],
        ['receipt', second],
      ]),
    );
    expect(politieItems.every((item) => !item.bevestigd)).toBe(true);
    // Cursors follow the inbox order, and a page goes on where the last one ended.
    expect(Number(vtItems[0]!.cursor)).toBeLessThan(Number(vtItems[1]!.cursor));
    const page = await vt.page({ limiet: '1' });
    expect(page.body.items.map((item) => item.id)).toEqual([vtItems[0]!.id]);
    expect(page.body.volgende).toBe(vtItems[0]!.cursor);
    const next = await vt.page({ na: page.body.volgende, limiet: '1' });
    expect(next.body.items.map((item) => item.id)).toEqual([vtItems[1]!.id]);
  });

  it('dead-letters a forged record and garbage bytes and shows a copied document once', async () => {
    const { topics, partners } = running.scenario;
    const delivery = topics.delivery('VT-ZOB');
    const [original] = await consumeUntil(kafka, delivery, (read) => read.length > 0);
    const forged = await partners.sealedBytes(
      'POLITIE-OB',
      Buffer.from(
        JSON.stringify({ deliveryId: randomUUID(), messageType: 'nl.samenloop.zorgmelding' }),
      ),
      'forged',
      { encryptTo: 'VT-ZOB' },
    );
    const asDelivery: IHeaders = { ce_type: 'nl.samenloop.delivery' };
    const before = (await vt.all()).length;

    await produceToPartition(kafka, delivery, 0, [
      { value: forged.value, headers: asDelivery },
      { value: randomBytes(300), headers: asDelivery },
      { value: original!.bytes!, headers: original!.headers },
    ]);
    await committedThrough(kafka, inboxConsumerGroup(vtConnector.settings), delivery, 0);

    const deadLetters = await consumeUntil(
      kafka,
      topics.connector('VT-ZOB').deadLetter,
      (read) => read.length >= 2,
    );
    expect(deadLetters.map((record) => record.headers[DEAD_LETTER_HEADERS.errorMessage])).toEqual([
      expect.stringMatching(/^hub-signature-invalid: /),
      expect.stringMatching(/^undecryptable: /),
    ]);
    expect(deadLetters.map((record) => record.headers[DEAD_LETTER_HEADERS.failedStep])).toEqual([
      'open-hub-document',
      'open-hub-document',
    ]);
    const items = await vt.all();
    expect(items).toHaveLength(before);
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
  });

  it('keeps entries, cursors and acknowledgements across a restart; acknowledges a document once', async () => {
    const [item, other] = await vt.all();

    const acknowledged = await vt.acknowledge(item!.id);
    const again = await vt.acknowledge(item!.id);

    expect(acknowledged).toMatchObject({
      status: 200,
      body: { id: item!.id, bevestigd: true, eerder: false },
    });
    expect(again).toMatchObject({
      status: 200,
      body: { id: item!.id, bevestigd: true, eerder: true },
    });
    expect((await vt.acknowledge(randomUUID())).status).toBe(404);
    expect((await vt.acknowledge('not-a-uuid')).status).toBe(400);
    expect((await vt.page({ na: 'abc' })).status).toBe(400);
    expect((await vt.page({ limiet: '0' })).status).toBe(400);
    expect((await vt.page({ limiet: '101' })).status).toBe(400);
    const before = await vt.all();

    await vtConnector.close();
    vtConnector = await startConnector('VT-ZOB');
    vt = InboxClient.overHttp(vtConnector.baseUrl);

    const after = await vt.all();
    expect(after.map(({ id, cursor, bevestigd }) => ({ id, cursor, bevestigd }))).toEqual(
      before.map(({ id, cursor, bevestigd }) => ({ id, cursor, bevestigd })),
    );
    expect(after.find((entry) => entry.id === item!.id)?.bevestigd).toBe(true);
    expect(after.find((entry) => entry.id === other!.id)?.bevestigd).toBe(false);
    expect((await vt.acknowledge(item!.id)).body.eerder).toBe(true);
  });

  it('tells a submission ingediend, then afgeleverd to its recipients, or geweigerd with the hub’s error lines', async () => {
    const pending = randomUUID();
    politieConnector.submitted.add(pending, 'zorgmelding');
    const delivered = await submitZorgmelding();
    politieConnector.submitted.add(delivered, 'zorgmelding');
    const rejected = await submitZorgmelding({ '/incident/datum': 'gisteravond' });
    politieConnector.submitted.add(rejected, 'zorgmelding');
    const watcher = running.watcher!;
    const receipt = await watcher.answerTo('POLITIE-OB', delivered);
    const rejection = await watcher.answerTo('POLITIE-OB', rejected);
    expect(rejection.type).toBe('rejection');
    await politie.until(
      (items) =>
        [delivered, rejected].every((id) => items.some((i) => i.document.messageId === id)),
      'both answers at POLITIE-OB',
    );

    expect(await politie.status(pending)).toMatchObject({
      status: 200,
      body: { id: pending, type: 'zorgmelding', status: 'ingediend' },
    });
    const deliveredTo = (receipt.document.deliveredTo as { recipient: string }[]).map(
      (entry) => entry.recipient,
    );
    expect(deliveredTo).toContain('VT-ZOB');
    expect((await politie.status(delivered)).body).toMatchObject({
      status: 'afgeleverd',
      afgeleverdAan: deliveredTo,
      wachtOpSleutel: [],
    });
    const errors = rejection.document.errors as { code: string; path?: string; message: string }[];
    expect(errors.length).toBeGreaterThan(0);
    expect((await politie.status(rejected)).body).toMatchObject({
      status: 'geweigerd',
      fouten: errors.map(({ code, path, message }) => ({
        code,
        ...(path === undefined ? {} : { pad: path }),
        melding: message,
      })),
    });
    expect((await politie.status(randomUUID())).status).toBe(404);
    expect((await politie.status('not-a-uuid')).status).toBe(400);
  });

  it('keeps nothing of the documents in clear on the connectors’ topics', async () => {
    const namespace = running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!;
    const { topics, records } = await dumpTopics(kafka, `${namespace}.samenloop.connector.`);
    const values = fixtureValues(sent);

    expect(values.size).toBeGreaterThan(20);
    expect(findValues(records, values)).toEqual([]);
    // Not an empty dump: inboxes, an acknowledgement and dead letters were all written.
    const vtTopics = running.scenario.topics.connector('VT-ZOB');
    for (const topic of [vtTopics.inbox, vtTopics.acknowledgements, vtTopics.deadLetter])
      expect(records.filter((record) => record.topic === topic).length).toBeGreaterThan(0);
    expect(topics).toContain(running.scenario.topics.connector('POLITIE-OB').inbox);
  });
});

/** Documents in a stable order, for comparing what two readers of different partitions saw. */
function sortedDocuments(items: readonly Pick<OntvangenItem, 'document'>[]) {
  return items
    .map(({ document }) => document)
    .sort((a, b) =>
      String(a.deliveryId ?? a.receiptId).localeCompare(String(b.deliveryId ?? b.receiptId)),
    );
}

/** Every text value of the submissions' payloads and their case references, with where it came from. */
function fixtureValues(
  sent: readonly { payload: unknown; reference: string }[],
): Map<string, string> {
  const values = new Map<string, string>();
  const walk = (node: unknown, field: string): void => {
    if (Array.isArray(node)) for (const item of node) walk(item, field);
    else if (node && typeof node === 'object')
      for (const [name, child] of Object.entries(node)) walk(child, name);
    else if (typeof node === 'string' && node.length >= 8) values.set(node, field);
  };
  for (const { payload, reference } of sent) {
    walk(payload, 'data');
    values.set(reference, 'case reference');
  }
  return values;
}

async function produceToPartition(
  kafka: Kafka,
  topic: string,
  partition: number,
  messages: { value: Buffer; headers: IHeaders }[],
): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((message) => ({ ...message, key: randomUUID(), partition })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Waits until the group has committed everything written to a partition so far. */
async function committedThrough(
  kafka: Kafka,
  groupId: string,
  topic: string,
  partition: number,
  timeoutMs = 60_000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const high = BigInt(
      (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition)!.high,
    );
    for (const started = Date.now(); Date.now() - started < timeoutMs;) {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed = offsets?.partitions.find((p) => p.partition === partition)?.offset;
      if (committed !== undefined && BigInt(committed) >= high) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(
      `${groupId} did not commit ${topic}[${partition}] up to ${high} within ${timeoutMs} ms`,
    );
  } finally {
    await admin.disconnect();
  }
}
