import { RECORD_MAC_HEADER, RecordMac, temporaryHubSecret } from '@samenloop/crypto';
import { createLogger } from '@samenloop/observability';
import {
  PoisonRecordError,
  topicNames,
  type AccessQueryEvent,
  type InboundRecord,
  type OutboundRecord,
} from '@samenloop/messaging';
import type { HubAlerts } from '../alerts/hub-alerts';
import { ForgedRecordError } from '../topics/own-record';
import { HubEventsHandler } from './hub-events.handler';

const topics = topicNames('');

let mac: RecordMac;

beforeAll(async () => {
  mac = new RecordMac(await temporaryHubSecret());
});

/** An event as the gateway or the operator's CLI writes it, with the hub's MAC. */
function inbound(event: unknown): InboundRecord {
  const record = {
    topic: topics.hubEvents,
    key: Buffer.from('e-1'),
    value: Buffer.from(JSON.stringify(event)),
  };
  return {
    ...record,
    partition: 0,
    offset: '0',
    headers: { [RECORD_MAC_HEADER]: mac.of(record) },
    timestamp: '0',
  };
}

function handler() {
  const alertRecords: OutboundRecord[] = [{ topic: topics.audit, key: 'a-1', value: '{}' }];
  const raise = jest.fn(() => Promise.resolve({ records: alertRecords, delivered: [] }));
  const alerts = { raise } as unknown as HubAlerts;
  return {
    handler: new HubEventsHandler(topics, alerts, createLogger('test', 'fatal'), mac),
    raise,
    alertRecords,
  };
}

const accessQuery: AccessQueryEvent = {
  kind: 'access-query',
  eventId: 'e-1',
  subject: { by: 'person', pseudonym: 'p'.repeat(64) },
  purpose: 'AVG-verzoek 2026-17',
  askedBy: 'beheerder',
  askedAt: '2026-12-01T10:00:00.000Z',
  deliveriesFound: 0,
};

const policyRefused = {
  kind: 'policy-refused',
  eventId: 'e-3',
  keptVersion: 'sha256:old',
  files: [],
  problems: [{ code: 'geen-beleidsbestanden' }],
  refusedAt: '2026-12-01T10:00:00.000Z',
};

describe(HubEventsHandler.name, () => {
  it('audits an access query with every field of the event, keyed by the event id', async () => {
    const [record, ...more] = await handler().handler.handle(inbound(accessQuery));

    expect(more).toEqual([]);
    expect(record).toMatchObject({ topic: topics.audit, key: 'e-1' });
    expect(JSON.parse(String(record!.value))).toEqual({
      ...accessQuery,
      auditId: expect.any(String) as string,
    });
  });

  it('audits a policy version that went live as its policy-version record', async () => {
    const [record] = await handler().handler.handle(
      inbound({
        kind: 'policy-went-live',
        eventId: 'e-2',
        trigger: 'reload',
        policyVersion: 'sha256:new',
        previousVersion: 'sha256:old',
        files: [{ name: 'oost-brabant.yaml', sha256: 'c'.repeat(64) }],
        testsPassed: 13,
        changedBy: null,
        instance: 'gateway-1',
        activatedAt: '2026-12-01T10:00:00.000Z',
      }),
    );

    expect(record).toMatchObject({ topic: topics.audit, key: 'policy-versions' });
    expect(JSON.parse(String(record!.value))).toMatchObject({
      kind: 'policy-version',
      trigger: 'reload',
      policyVersion: 'sha256:new',
      previousVersion: 'sha256:old',
      tests: { passed: 13 },
      instance: 'gateway-1',
      activatedAt: '2026-12-01T10:00:00.000Z',
    });
  });

  it('raises the beleid-geweigerd alert of a refused policy, at the time it was refused', async () => {
    const { handler: hubEvents, raise, alertRecords } = handler();

    const records = await hubEvents.handle(inbound(policyRefused));

    expect(records).toBe(alertRecords);
    expect(raise).toHaveBeenCalledWith(
      expect.objectContaining({
        type: 'nl.samenloop.beleid-geweigerd',
        payload: expect.objectContaining({
          versieInGebruik: 'sha256:old',
          problemen: [{ code: 'geen-beleidsbestanden' }],
        }) as unknown,
      }),
      new Date('2026-12-01T10:00:00.000Z'),
    );
  });

  it('leaves an event without the hub MAC to the dead letters: no one else writes the audit or raises alerts', async () => {
    const genuine = inbound(policyRefused);
    const { handler: hubEvents, raise } = handler();

    for (const forged of [
      { ...genuine, headers: {} },
      { ...genuine, value: Buffer.from(JSON.stringify({ ...policyRefused, keptVersion: 'x' })) },
      { ...inbound(accessQuery), headers: genuine.headers },
    ])
      await expect(hubEvents.handle(forged)).rejects.toThrow(ForgedRecordError);
    expect(raise).not.toHaveBeenCalled();
  });

  it('leaves a malformed event to the dead letters', async () => {
    await expect(
      handler().handler.handle(inbound({ ...accessQuery, deliveriesFound: -1 })),
    ).rejects.toThrow(PoisonRecordError);
  });
});
