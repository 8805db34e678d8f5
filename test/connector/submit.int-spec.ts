import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { validateFile } from '../../apps/cli/src/validate/validate-file';
import { createConnectorCredentials } from '../support/connector-credentials';
import { ConnectorProcess } from '../support/connector-process';
import { requestBody } from '../support/connector-submission';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { produce, recordCount, testKafka } from '../support/kafka-test-kit';
import { policeNumber, ROOT, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
const INVALID_ZORGMELDING = path.join(
  ROOT,
  'schemas/zorgmelding/examples/invalid/incident-datum-30-februari.json',
);

/**
 * On a real broker with a real gateway: the police's case system submits over HTTPS through the
 * police's connector, and VT receives what it would have received had the police submitted on
 * Kafka themselves; the connector checks, seals and submits each message once.
 */
describe('submitting through the partner connector', () => {
  const kafka = testKafka();
  const running = runningHub('afterAll');
  let connector: ConnectorProcess;

  beforeAll(async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, [
      'POLITIE-OB',
      'VT-ZOB',
    ]);
    running.gateway = await running.scenario.startGateway();
    connector = await ConnectorProcess.create(
      running.scenario,
      'POLITIE-OB',
      await createConnectorCredentials(),
    );
    await connector.start();
  });

  afterAll(async () => {
    // A polite stop ends the process cleanly: its clients closed, exit code 0.
    expect(await connector?.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('delivers a zorgmelding submitted over HTTP to VT with the fields a direct Kafka submission gets', async () => {
    const { scenario, watcher } = { scenario: running.scenario, watcher: running.watcher! };
    const viaKafka = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: policeNumber() },
    });
    const viaHttp = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: policeNumber() },
    });
    const { zaakReferenties } = viaKafka.data as { zaakReferenties: Record<string, string> };
    await produce(kafka, scenario.topics.inbound('POLITIE-OB'), [
      await scenario.partners.sealed(
        'POLITIE-OB',
        viaKafka,
        zaakReferenties.politieRegistratienummer!,
      ),
    ]);

    const response = await connector.client().call('POST', '/v1/berichten', {
      body: requestBody(viaHttp),
      headers: { 'Idempotency-Key': 'zorgmelding-1' },
    });

    expect(response.status).toBe(202);
    const id = String(response.body.id);
    expect(response.body).toEqual({ id, status: 'ingediend' });
    expect(response.headers.location).toBe(`/v1/berichten/${id}`);
    const [direct, connected] = await watcher.until(() => {
      const received = watcher.deliveries('VT-ZOB', 'zorgmelding');
      const pair = [viaKafka.id, id].map((messageId) =>
        received.find((delivery) => delivery.messageId === messageId),
      );
      return pair.every(Boolean) ? pair : undefined;
    }, 'both zorgmeldingen at VT-ZOB');
    expect((await watcher.answerTo('POLITIE-OB', id)).type).toBe('receipt');
    const comparable = (delivery: Record<string, unknown>) => ({
      fields: Object.keys(delivery).sort(),
      messageType: delivery.messageType,
      dataschema: delivery.dataschema,
      sender: delivery.sender,
      niveau: delivery.niveau,
      grondslag: delivery.grondslag,
      payload: delivery.payload,
    });
    expect(comparable(connected!)).toEqual(comparable(direct!));
    expect(connected!.zaakReferenties).toEqual(
      (viaHttp.data as Record<string, unknown>).zaakReferenties,
    );
  });

  it('answers an invalid message with 400 and the errors `samenloop validate` prints for it', async () => {
    const expected = await validateFile(new ContractValidator(), INVALID_ZORGMELDING);
    const submission = JSON.parse(readFileSync(INVALID_ZORGMELDING, 'utf8')) as Record<
      string,
      unknown
    >;
    const before = await recordCount(kafka, running.scenario.topics.inbound('POLITIE-OB'));

    const response = await connector.client().call('POST', '/v1/berichten', {
      body: requestBody(submission),
      headers: { 'Idempotency-Key': 'ongeldig-1' },
    });

    expect(expected.exitCode).toBe(1);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const errors = response.body.errors as { code: string; pointer?: string; detail: string }[];
    expect(errors.map((error) => error.detail)).toEqual(expected.lines);
    expect(errors[0]).toMatchObject({
      code: 'invalid-payload',
      pointer: '/payload/incident/datum',
    });
    expect(await recordCount(kafka, running.scenario.topics.inbound('POLITIE-OB'))).toBe(before);
  });

  it('submits once per Idempotency-Key: a retry, a concurrent retry and a retry after a crash get the same id', async () => {
    const inbound = running.scenario.topics.inbound('POLITIE-OB');
    const body = requestBody(
      submissionFrom(ZORGMELDING, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: policeNumber() },
      }),
    );
    const headers = { 'Idempotency-Key': 'zorgmelding-eenmaal' };
    const before = await recordCount(kafka, inbound);

    const [first, concurrent] = await Promise.all([
      connector.client().call('POST', '/v1/berichten', { body: body, headers: headers }),
      connector.client().call('POST', '/v1/berichten', { body: body, headers: headers }),
    ]);
    const again = await connector
      .client()
      .call('POST', '/v1/berichten', { body: { ...body }, headers: headers });
    await connector.kill('SIGKILL');
    await connector.start();
    const afterCrash = await connector
      .client()
      .call('POST', '/v1/berichten', { body: body, headers: headers });
    const otherBody = await connector.client().call('POST', '/v1/berichten', {
      body: { ...body, occurredAt: '2026-11-24T08:00:00+01:00' },
      headers,
    });

    const id = first.body.id;
    for (const response of [first, concurrent, again, afterCrash]) {
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ id, status: 'ingediend' });
    }
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toMatchObject({ status: 422, title: 'Unprocessable Content' });
    await running.watcher!.answerTo('POLITIE-OB', String(id));
    expect(
      running.watcher!.deliveries('VT-ZOB', 'zorgmelding').filter((d) => d.messageId === id),
    ).toHaveLength(1);
    // One record and its transaction marker: nothing else was submitted for the retries.
    expect(await recordCount(kafka, inbound)).toBe(before + 2);
  });

  it('ends at start with the problem when its TLS key does not belong to its certificate', async () => {
    const credentials = await createConnectorCredentials();
    const misconfigured = await ConnectorProcess.create(
      running.scenario,
      'POLITIE-OB',
      credentials,
      {
        settings: { CONNECTOR_TLS_KEY_FILE: credentials.client.keyFile },
      },
    );

    await expect(misconfigured.start(10_000)).rejects.toThrow(/exited: true/);
    expect(await misconfigured.exited).toEqual({ code: 1, signal: null });
    expect(misconfigured.logs).toContain(
      'Invalid connector TLS settings:\n  - CONNECTOR_TLS_KEY_FILE: the key does not belong to the certificate of CONNECTOR_TLS_CERT_FILE',
    );
  });

  it('refuses a call without credentials with 401 problem+json', async () => {
    const response = await connector
      .client({ anonymous: true })
      .call('POST', '/v1/berichten', { body: {}, headers: { 'Idempotency-Key': 'zonder-token' } });

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(response.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });
});
