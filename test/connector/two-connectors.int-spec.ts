import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConnectorApiClient } from '@samenloop/partner-side';
import { createConnectorCredentials } from '../support/connector-credentials';
import { InboxClient, type OntvangenItem } from '../support/connector-inbox-client';
import { ConnectorProcess } from '../support/connector-process';
import { requestBody } from '../support/connector-submission';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { produce, recordCount, testKafka } from '../support/kafka-test-kit';
import { policeNumber, ROOT, submissionFrom } from '../support/partner-kit';
import { deliveredFields, explainedFields, sameForEveryCase } from '../support/policy-fields';
import { runningHub } from '../support/running-hub';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
const INVALID_ZORGMELDING = 'zorgmelding/examples/invalid/incident-datum-30-februari.json';

/** A unique parketnummer: a case reference the police know that the policy keeps from VT. */
function parketnummer(): string {
  return `01/${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}-26`;
}

/**
 * Both ends through connectors, as processes of the real bundle, on a real broker and gateway: the
 * police's case system submits through POLITIE-OB's connector (mTLS), VT-ZOB's case system
 * receives through its own (OAuth2) exactly what the hub's policy lets VT have — the same as a
 * submission straight onto Kafka gets — and the police see it delivered.
 */
describe('two partner connectors', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');
  let police: ConnectorProcess;
  let vt: ConnectorProcess;
  let policeApi: ConnectorApiClient;
  let vtInbox: InboxClient;

  beforeAll(async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, [
      'POLITIE-OB',
      'VT-ZOB',
    ]);
    [police, vt] = await Promise.all([
      ConnectorProcess.create(running.scenario, 'POLITIE-OB', await createConnectorCredentials(), {
        mode: 'mtls',
      }),
      ConnectorProcess.create(running.scenario, 'VT-ZOB', await createConnectorCredentials(), {
        mode: 'oauth2',
      }),
    ]);
    running.gateway = await running.scenario.startGateway();
    await Promise.all([police.start(), vt.start()]);
    policeApi = police.client();
    vtInbox = InboxClient.of(vt.client());
  });

  afterAll(async () => {
    // A polite stop ends each process cleanly.
    for (const connector of [police, vt])
      if (connector) expect(await connector.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  /** Polls the police connector's status of `id` until it is no longer `ingediend`. */
  const answeredStatus = async (id: string, timeoutMs = 60_000) => {
    const started = Date.now();
    for (;;) {
      const { status, body } = await policeApi.status(id);
      if (status !== 200) throw new Error(`GET /v1/berichten/${id} answered ${status}`);
      if (body.status !== 'ingediend') return body;
      if (Date.now() - started > timeoutMs)
        throw new Error(`${id} still ingediend after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const deliveryOf = (items: readonly OntvangenItem[], messageId: string) =>
    items.find((item) => item.type === 'delivery' && item.document.messageId === messageId);

  let connected: OntvangenItem;

  it("hands VT-ZOB's case system exactly the policy's fields, as the direct Kafka path does", async () => {
    const { scenario, watcher } = { scenario: running.scenario, watcher: running.watcher! };
    const references = () => ({
      politieRegistratienummer: policeNumber(),
      parketnummer: parketnummer(),
    });
    const viaHttp = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: references(),
    });
    const viaKafka = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: references(),
    });
    const kafkaReferences = (viaKafka.data as { zaakReferenties: Record<string, string> })
      .zaakReferenties;
    const httpReferences = (viaHttp.data as { zaakReferenties: Record<string, string> })
      .zaakReferenties;

    const submitted = await policeApi.submit(requestBody(viaHttp), 'zorgmelding-twee-connectoren');
    expect(submitted.status).toBe(202);
    const id = String(submitted.body.id);
    // Asked at once: the hub's receipt has yet to make its way back through the police's inbox.
    const before = await policeApi.status(id);
    await produce(kafka, scenario.topics.inbound('POLITIE-OB'), [
      await scenario.partners.sealed(
        'POLITIE-OB',
        viaKafka,
        kafkaReferences.politieRegistratienummer!,
      ),
    ]);

    const items = await vtInbox.until(
      (read) => [id, viaKafka.id].every((messageId) => deliveryOf(read, messageId)),
      'both zorgmeldingen at VT-ZOB',
    );
    connected = deliveryOf(items, id)!;
    const direct = deliveryOf(items, viaKafka.id)!;
    const after = await answeredStatus(id);

    expect(before.status).toBe(200);
    // Known at once; right after the 202 the hub's receipt is usually, not always, still on its way.
    expect(before.body).toMatchObject({
      id,
      type: 'zorgmelding',
      status: expect.stringMatching(/^(ingediend|afgeleverd)$/) as unknown,
    });
    expect(after).toMatchObject({ id, status: 'afgeleverd' });
    expect(after.afgeleverdAan).toContain('VT-ZOB');

    // What VT's connector hands over is the hub's delivery itself, as VT decrypts it off Kafka.
    const onKafka = await watcher.until(
      () =>
        watcher.deliveries('VT-ZOB', 'zorgmelding').find((delivery) => delivery.messageId === id),
      'the connected delivery on VT-ZOB’s topic',
    );
    expect(connected.document).toEqual(onKafka);
    expect(connected.id).toBe(onKafka.deliveryId);
    expect(connected.bevestigd).toBe(false);

    // The same as the direct path, field for field, apart from what is each case's own.
    expect(Object.keys(connected.document).sort()).toEqual(Object.keys(direct.document).sort());
    expect(sameForEveryCase(connected.document)).toEqual(sameForEveryCase(direct.document));
    expect(connected.document.payload).toEqual((viaHttp.data as { payload: unknown }).payload);

    // And what the policy says VT-ZOB gets: these payload fields and case references, no others.
    const explained = explainedFields(viaHttp, 'VT-ZOB');
    expect(explained.deliver.length).toBeGreaterThan(0);
    for (const delivery of [connected, direct])
      expect(deliveredFields(delivery.document)).toEqual({
        deliver: explained.deliver,
        share: explained.share,
      });
    expect(explained.keep).toEqual(['/zaakReferenties/parketnummer']);
    expect(connected.document.zaakReferenties).toEqual({
      politieRegistratienummer: httpReferences.politieRegistratienummer,
    });
    expect(direct.document.zaakReferenties).toEqual({
      politieRegistratienummer: kafkaReferences.politieRegistratienummer,
    });
  });

  it('records the case system’s acknowledgement once and says so when it comes again', async () => {
    const first = await vtInbox.acknowledge(connected.id);
    const second = await vtInbox.acknowledge(connected.id);

    expect(first.status).toBe(200);
    expect(first.body).toEqual({ id: connected.id, bevestigd: true, eerder: false });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ id: connected.id, bevestigd: true, eerder: true });
    const items = await vtInbox.all();
    expect(items.filter((item) => item.bevestigd).map((item) => item.id)).toEqual([connected.id]);
  });

  it('refuses an invalid zorgmelding at the police connector, and VT receives nothing of it', async () => {
    const inbound = running.scenario.topics.inbound('POLITIE-OB');
    const invalid = JSON.parse(
      readFileSync(path.join(ROOT, 'schemas', INVALID_ZORGMELDING), 'utf8'),
    ) as Record<string, unknown>;
    const countBefore = await recordCount(kafka, inbound);
    const receivedBefore = (await vtInbox.all()).map((item) => item.id);

    const refused = await policeApi.submit(requestBody(invalid), 'ongeldige-datum');
    // Then a valid one behind it: once VT has that, VT has all it will get.
    const valid = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: policeNumber() },
    });
    const accepted = await policeApi.submit(requestBody(valid), 'na-de-ongeldige');
    const items = await vtInbox.until(
      (read) => deliveryOf(read, String(accepted.body.id)) !== undefined,
      'the valid zorgmelding after the invalid one at VT-ZOB',
    );

    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 400 });
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'invalid-payload', pointer: '/payload/incident/datum' }),
      ]),
    );
    expect(accepted.status).toBe(202);
    expect(items.map((item) => item.id)).toEqual([
      ...receivedBefore,
      deliveryOf(items, String(accepted.body.id))!.id,
    ]);
    // The valid submission's record and its transaction marker: nothing of the invalid one.
    expect(await recordCount(kafka, inbound)).toBe(countBefore + 2);
  });

  it('answers what it cannot do with application/problem+json', async () => {
    const vtApi = vt.client();
    const unknown = randomUUID();
    const answers = {
      notACursor: await vtApi.received('geen-cursor'),
      limitTooLarge: await vtApi.received(undefined, 101),
      limitZero: await vtApi.received(undefined, 0),
      unknownDocument: await vtApi.acknowledge(unknown),
      notADocumentId: await vtApi.acknowledge('geen-id'),
      unknownMessage: await policeApi.status(unknown),
      notAMessageId: await policeApi.status('geen-id'),
    };

    expect(
      Object.fromEntries(
        Object.entries(answers).map(([name, answer]) => [
          name,
          {
            status: answer.status,
            problem: /^application\/problem\+json/.test(answer.headers['content-type'] ?? ''),
            statusInBody: (answer.body as { status?: unknown }).status,
          },
        ]),
      ),
    ).toEqual({
      notACursor: { status: 400, problem: true, statusInBody: 400 },
      limitTooLarge: { status: 400, problem: true, statusInBody: 400 },
      limitZero: { status: 400, problem: true, statusInBody: 400 },
      unknownDocument: { status: 404, problem: true, statusInBody: 404 },
      notADocumentId: { status: 400, problem: true, statusInBody: 400 },
      unknownMessage: { status: 404, problem: true, statusInBody: 404 },
      notAMessageId: { status: 400, problem: true, statusInBody: 400 },
    });
  });
});
