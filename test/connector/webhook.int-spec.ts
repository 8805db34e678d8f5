import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DELIVERY_ID_HEADER,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
} from '../../apps/connector/src/webhook/webhook-signature';
import { createConnectorCredentials } from '../support/connector-credentials';
import { InboxClient, type OntvangenItem } from '../support/connector-inbox-client';
import { ConnectorProcess } from '../support/connector-process';
import { freePort } from '../support/free-port';
import { newGatewayScenario } from '../support/gateway-scenario';
import { testKafka } from '../support/kafka-test-kit';
import { runningHub } from '../support/running-hub';
import { zorgmeldingenOnKafka } from '../support/connector-submission';

/** Small, but above the settings' minimum of 100 ms. */
const BACKOFF = {
  CONNECTOR_WEBHOOK_BACKOFF_INITIAL_MS: '100',
  CONNECTOR_WEBHOOK_BACKOFF_MAX_MS: '400',
};

/** One call the case system's endpoint received. */
interface WebhookCall {
  readonly deliveryId: string | undefined;
  readonly signature: ReturnType<typeof verifyWebhookSignature>;
  readonly item: OntvangenItem;
  readonly answered: number;
}

/**
 * The case system's webhook endpoint: a plain `node:http` server on loopback that checks each
 * call's signature on the raw body and answers with `answer(callNumber)` (200 by default).
 */
async function caseSystemEndpoint(
  port: number,
  secret: Buffer,
  answer: (call: number) => number = () => 200,
): Promise<{ calls: WebhookCall[]; server: Server }> {
  const calls: WebhookCall[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const status = answer(calls.length + 1);
      calls.push({
        deliveryId: request.headers[DELIVERY_ID_HEADER.toLowerCase()] as string | undefined,
        signature: verifyWebhookSignature(
          secret,
          request.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined,
          raw,
          300,
        ),
        item: JSON.parse(raw.toString('utf8')) as OntvangenItem,
        answered: status,
      });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { calls, server };
}

/**
 * VT-ZOB's connector, the real bundle as a process, pushing to its case system's webhook: while
 * the endpoint is down (and across a connector crash) nothing is acknowledged; once it answers,
 * every document arrives in order, signed, each id handled once, and is then acknowledged.
 */
describe('connector webhook push', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');
  const connectors: ConnectorProcess[] = [];
  const servers: Server[] = [];
  const secretFile = path.join(mkdtempSync(path.join(tmpdir(), 'samenloop-webhook-')), 'secret');
  // Hex text, as `openssl rand -hex 48` writes it; the connector takes the text (64+ bytes) as the key.
  const secret = Buffer.from(randomBytes(48).toString('hex'));
  writeFileSync(secretFile, `${secret.toString('utf8')}\n`);

  beforeAll(async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.gateway = await running.scenario.startGateway();
  });

  // Each test's connector stops with it: another connector of VT-ZOB would push to its own endpoint.
  afterEach(async () => {
    for (const connector of connectors.splice(0)) await connector.kill('SIGKILL');
    for (const server of servers.splice(0))
      await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** VT-ZOB's connector pushing to `http://127.0.0.1:<port>/samenloop`. */
  const startConnector = async (port: number) => {
    const connector = await ConnectorProcess.create(
      running.scenario,
      'VT-ZOB',
      await createConnectorCredentials(),
      {
        settings: {
          CONNECTOR_WEBHOOK_URL: `http://127.0.0.1:${port}/samenloop`,
          CONNECTOR_WEBHOOK_SECRET_FILE: secretFile,
          ...BACKOFF,
        },
      },
    );
    connectors.push(connector);
    await connector.start();
    return connector;
  };

  const submitZorgmeldingen = (count: number) =>
    zorgmeldingenOnKafka(kafka, running.scenario, count);

  /** Waits until the endpoint has answered 2xx for `count` distinct delivery ids. */
  const untilHandled = async (calls: readonly WebhookCall[], count: number, timeoutMs = 60_000) => {
    const started = Date.now();
    const handled = () =>
      new Set(calls.filter((call) => call.answered === 200).map((call) => call.deliveryId)).size;
    while (handled() < count) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`${handled()} of ${count} documents pushed within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  /** What the pushes handed over, in the order the endpoint took them, and whether all checked out. */
  const expectPushedOnceInOrder = (
    calls: readonly WebhookCall[],
    items: readonly OntvangenItem[],
  ) => {
    expect(calls.map((call) => call.signature.valid)).toEqual(calls.map(() => true));
    expect(calls.map((call) => call.deliveryId)).toEqual(calls.map((call) => call.item.id));
    // A repeat (a 2xx whose acknowledgement was not recorded) carries the same id and document,
    // and the case system drops it: what it handled is the first 2xx call of each id.
    const handled = new Map<string | undefined, OntvangenItem>();
    for (const call of calls.filter((taken) => taken.answered === 200)) {
      const earlier = handled.get(call.deliveryId);
      if (earlier) expect(call.item).toEqual(earlier);
      else handled.set(call.deliveryId, call.item);
    }
    const taken = [...handled.values()];
    expect(taken.map((item) => item.id)).toEqual(items.map((item) => item.id));
    expect(taken.map((item) => item.cursor)).toEqual(items.map((item) => item.cursor));
    expect(taken.map((item) => item.document)).toEqual(items.map((item) => item.document));
    expect(taken.every((item) => item.bevestigd === false)).toBe(true);
  };

  it('pushes nothing while the case system is down, across a crash, and both documents once it is back', async () => {
    const port = await freePort();
    const first = await startConnector(port);
    const inbox = InboxClient.of(first.client());
    const sent = await submitZorgmeldingen(2);

    const waiting = await inbox.until((items) => items.length >= 2, 'two documents at VT-ZOB');
    // In the inbox's order, which need not be the order sent: the cases are on other partitions.
    expect(waiting.map((item) => item.document.messageId).sort()).toEqual([...sent].sort());
    // Tried and failed, so far: the endpoint refuses connections.
    await inbox.until(
      () => (first.logs.match(/webhook push failed, retrying/g) ?? []).length >= 2,
      'two failed pushes',
    );
    expect((await inbox.all()).map((item) => item.bevestigd)).toEqual([false, false]);

    // A crash while the endpoint is down: the next connector pushes the same documents.
    await first.kill('SIGKILL');
    const second = await startConnector(port);
    const endpoint = await caseSystemEndpoint(port, secret);
    servers.push(endpoint.server);
    await untilHandled(endpoint.calls, 2);
    const secondInbox = InboxClient.of(second.client());
    const acknowledged = await secondInbox.until(
      (items) => items.length === 2 && items.every((item) => item.bevestigd),
      'both documents acknowledged by the webhook',
    );

    expectPushedOnceInOrder(endpoint.calls, waiting);
    expect(acknowledged.map((item) => item.id)).toEqual(waiting.map((item) => item.id));
    expect((await secondInbox.acknowledge(waiting[0]!.id)).body).toMatchObject({ eerder: true });
  });

  it('retries a document the case system answered with 500 until it answers 200', async () => {
    // A connector of its own, on the same topics: what the first test pushed is acknowledged
    // and not pushed again.
    const port = await freePort();
    const failures = 3;
    const endpoint = await caseSystemEndpoint(port, secret, (call) =>
      call <= failures ? 500 : 200,
    );
    servers.push(endpoint.server);
    const connector = await startConnector(port);
    const inbox = InboxClient.of(connector.client());
    const before = (await inbox.all()).length;
    const sent = await submitZorgmeldingen(2);

    await untilHandled(endpoint.calls, 2);
    const items = await inbox.until(
      (read) => read.length === before + 2 && read.every((item) => item.bevestigd),
      'the two new documents acknowledged by the webhook',
    );
    const fresh = items.slice(before);

    expect(fresh.map((item) => item.document.messageId).sort()).toEqual([...sent].sort());
    expect(endpoint.calls.slice(0, failures).map((call) => call.answered)).toEqual([500, 500, 500]);
    // The failed calls were for the first new document, retried until it was taken.
    expect(new Set(endpoint.calls.slice(0, failures + 1).map((call) => call.deliveryId))).toEqual(
      new Set([fresh[0]!.id]),
    );
    expectPushedOnceInOrder(endpoint.calls, fresh);
  });
});
