import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CLOUDEVENTS_HEADERS,
  CONTENT_TYPE_HEADER,
  PGP_ENCRYPTED,
  hubDocumentCloudEventType,
  hubDocumentTypeOf,
} from '@samenloop/contracts';
import { CaseLedger } from '@samenloop/case';
import { decryptAndVerify } from '@samenloop/crypto';
import { DEAD_LETTER_HEADERS, topicNames, type OutboundRecord } from '@samenloop/messaging';
import type { HubHandlers } from '../hub-handlers';
import { RELEASE_BATCH } from '../waiting/delivery-dispatcher';
import { WaitingDeliveries } from '../waiting/waiting-deliveries';
import { SubmissionHandler } from './submission-handler';
import {
  HandlerFixture,
  ZORGMELDING,
  policy,
  validator,
  validatorOverriding,
  type SubmissionOptions,
} from './submission-handler.fixture';

const AUDIT_TOPIC = topicNames().audit;
const SCHEMAS = path.resolve(__dirname, '../../../../schemas');

describe(SubmissionHandler.name, () => {
  let fixture: HandlerFixture;
  let ledger: CaseLedger;
  let handler: HubHandlers;

  beforeAll(async () => {
    fixture = await HandlerFixture.create();
  });

  beforeEach(() => {
    ledger = new CaseLedger();
    handler = fixture.handlers(ledger);
  });

  const submission = (options?: SubmissionOptions) => fixture.submission(options);
  const open = (record: OutboundRecord, partnerId: string) => fixture.open(record, partnerId);

  const onTopic = (records: readonly OutboundRecord[], topic: string) =>
    records.filter((record) => record.topic === topic);

  it('delivers a zorgmelding, signed and encrypted, to the VT of the household only, with an audit record per partner and a receipt', async () => {
    const records = await handler.submissions.handle(await submission());

    const [delivery] = onTopic(records, 'samenloop.out.vt-zob.v1');
    const document = await open(delivery!, 'VT-ZOB');
    expect(document).toMatchObject({
      messageType: 'nl.samenloop.zorgmelding',
      sender: 'POLITIE-OB',
      recipient: 'VT-ZOB',
      niveau: 'inhoud',
      grondslag: { ruleIds: ['zm.vt.inhoud'], policyVersion: policy.version },
      caseThread: { fase: 'melding', relatedDeliveries: [] },
    });
    expect(Object.keys(document.payload as object).sort()).toEqual([
      'acuutGevaar',
      'betrokkenen',
      'eerdereMeldingen',
      'huishouden',
      'incident',
      'kinderenAanwezig',
      'melder',
    ]);
    expect(delivery!.headers).toMatchObject({
      [CLOUDEVENTS_HEADERS.type]: hubDocumentCloudEventType('delivery'),
      [CONTENT_TYPE_HEADER]: PGP_ENCRYPTED,
    });
    expect(records.map((record) => record.topic).sort()).toEqual([
      ...Array<string>(6).fill(AUDIT_TOPIC),
      'samenloop.out.politie-ob.v1',
      'samenloop.out.vt-zob.v1',
    ]);
    const receipt = await open(onTopic(records, 'samenloop.out.politie-ob.v1')[0]!, 'POLITIE-OB');
    expect(receipt).toMatchObject({
      deliveredTo: [{ recipient: 'VT-ZOB', niveau: 'inhoud', ruleIds: ['zm.vt.inhoud'] }],
    });
    expect(
      (receipt.withheldFrom as { recipient: string }[]).map((entry) => entry.recipient).sort(),
    ).toEqual(['3RO', 'OM', 'RVDK', 'SAMENLOOP-BEHEER', 'VT-BNO']);
  });

  it('lets only its recipient decrypt a delivery', async () => {
    const [delivery] = onTopic(
      await handler.submissions.handle(await submission()),
      'samenloop.out.vt-zob.v1',
    );

    await expect(
      decryptAndVerify(new Uint8Array(delivery!.value as Buffer), {
        decryptionKey: fixture.partnerKeys.get('VT-BNO')!.privateKey,
        verificationKeys: [fixture.hub.publicKey],
      }),
    ).rejects.toThrow(/not encrypted to key/);
  });

  it('writes audit records that match the deliveries one to one, with field paths and never values', async () => {
    const records = await handler.submissions.handle(await submission());
    const audits = onTopic(records, AUDIT_TOPIC).map(
      (record) => JSON.parse(String(record.value)) as Record<string, unknown>,
    );

    expect(
      audits.filter((audit) => audit.level !== 'geen').map((audit) => audit.recipient),
    ).toEqual(['VT-ZOB']);
    expect(audits.find((audit) => audit.recipient === 'VT-ZOB')).toMatchObject({
      ruleIds: ['zm.vt.inhoud'],
      policyVersion: policy.version,
      stage: 'melding',
    });
    expect(audits.find((audit) => audit.recipient === 'VT-BNO')).toMatchObject({
      level: 'geen',
      deliveryId: null,
      deliveredFields: [],
    });
    expect(JSON.stringify(audits)).not.toContain('Hoogstraten');
  });

  // Once the signature holds, the sender is known and the rejection is audited; before, it is not.
  it.each([
    ['sent in clear', { encryptTo: null }, 'not-encrypted', 'POLITIE-OB', 0],
    [
      'encrypted to another key than the hub’s',
      { encryptTo: 'VT-BNO' },
      'not-for-hub',
      'POLITIE-OB',
      0,
    ],
    ['garbage', { raw: Buffer.from([0x85, 0x01, 0xff]) }, 'not-encrypted', 'POLITIE-OB', 0],
    ['unsigned', { signer: null }, 'missing-signature', 'POLITIE-OB', 0],
    ['signed by another partner (forged)', { signer: 'VT-BNO' }, 'unknown-sender', 'POLITIE-OB', 0],
    [
      'sent on another partner’s topic',
      { signer: 'OM', topic: 'samenloop.in.om.v1' },
      'wrong-topic',
      'OM',
      1,
    ],
    ['not JSON', { value: '{"specversion":' }, 'not-json', 'POLITIE-OB', 1],
    ['oversized', { value: `{"pad":"${'x'.repeat(70 * 1024)}"}` }, 'too-large', 'POLITIE-OB', 0],
  ] as const)(
    'rejects a submission that is %s, dead-letters it and delivers nothing',
    async (_case, options, code, topicOwner, audited) => {
      const records = await handler.submissions.handle(await submission(options));

      const rejected = records.filter(
        (record) => hubDocumentTypeOf(record.headers) === 'rejection',
      );
      const deadLetters = onTopic(records, 'samenloop.deadletter.v1');
      const audits = onTopic(records, AUDIT_TOPIC).map(
        (record) => JSON.parse(String(record.value)) as Record<string, unknown>,
      );
      expect(records).toHaveLength(2 + audited);
      expect(audits).toHaveLength(audited);
      for (const audit of audits) {
        expect(audit).toMatchObject({ kind: 'rejection', sender: topicOwner, codes: [code] });
        expect(Object.keys(audit).sort()).toEqual([
          'auditId',
          'codes',
          'kind',
          'messageId',
          'paths',
          'rejectedAt',
          'sender',
          'source',
          'step',
        ]);
      }
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0]!.headers?.[DEAD_LETTER_HEADERS.sourceOffset]).toBe('7');
      const rejection = await open(rejected[0]!, topicOwner);
      expect((rejection.errors as { code: string }[]).map((error) => error.code)).toEqual([code]);
      expect(validator.validateDocument('rejection', rejection).ok).toBe(true);
    },
  );

  it("names the key the hub expected and the key id that signed when a submission is not signed by its sender's key", async () => {
    const records = await handler.submissions.handle(await submission({ signer: 'VT-BNO' }));

    const expected = fixture.partnerKeys.get('POLITIE-OB')!.publicKey.fingerprint;
    const signer = fixture.partnerKeys.get('VT-BNO')!.publicKey.fingerprint;
    const rejection = await open(onTopic(records, 'samenloop.out.politie-ob.v1')[0]!, 'POLITIE-OB');
    expect(rejection.errors).toEqual([
      {
        code: 'unknown-sender',
        message: expect.stringContaining(
          `the hub expected a signature by POLITIE-OB's registered key ${expected} and found one by key id ${signer.slice(-16)}`,
        ) as unknown,
      },
    ]);
  });

  it('answers a valid message the hub cannot deliver within its own contract as undeliverable, and delivers nothing of it', async () => {
    // A hub whose delivery contract refuses what it builds: a fault of the hub, not the sender's.
    const records = await fixture
      .handlers(ledger, { validator: refusing(validator, 'delivery') })
      .submissions.handle(await submission());

    expect(records.map((record) => record.topic).sort()).toEqual([
      AUDIT_TOPIC,
      'samenloop.deadletter.v1',
      'samenloop.out.politie-ob.v1',
    ]);
    const rejection = await open(onTopic(records, 'samenloop.out.politie-ob.v1')[0]!, 'POLITIE-OB');
    expect(rejection).toMatchObject({
      errors: [
        {
          code: 'undeliverable',
          message: expect.stringContaining('delivery to VT-ZOB') as unknown,
        },
      ],
    });
    expect(validator.validateDocument('rejection', rejection).ok).toBe(true);
    expect(JSON.parse(String(onTopic(records, AUDIT_TOPIC)[0]!.value))).toMatchObject({
      kind: 'rejection',
      step: 'seal',
      codes: ['undeliverable'],
    });
    expect(ledger.pendingEntries).toEqual([]);
  });

  it('refuses a message that carries a field that never leaves its sender, naming the path, and routes nothing of it', async () => {
    const withFindings = readFileSync(
      path.join(
        SCHEMAS,
        'veiligheidsbeoordeling/examples/valid/kindermishandeling-met-vertrouwensartsbevindingen.json',
      ),
      'utf8',
    );

    const records = await handler.submissions.handle(
      await submission({ value: withFindings, signer: 'VT-BNO', topic: 'samenloop.in.vt-bno.v1' }),
    );

    expect(records.map((record) => record.topic).sort()).toEqual([
      AUDIT_TOPIC,
      'samenloop.deadletter.v1',
      'samenloop.out.vt-bno.v1',
    ]);
    const rejection = await open(onTopic(records, 'samenloop.out.vt-bno.v1')[0]!, 'VT-BNO');
    expect(rejection.errors).toEqual([
      {
        code: 'never-share',
        path: '/data/payload/vertrouwensartsBevindingen',
        message:
          'remove /vertrouwensartsBevindingen and submit again: it never leaves VT (x-samenloop-never-share in the veiligheidsbeoordeling schema), so the hub neither routes nor keeps a message carrying it',
      },
    ]);
    expect(validator.validateDocument('rejection', rejection).ok).toBe(true);
    expect(ledger.pendingEntries).toEqual([]);
  });

  it('rejects an invalid payload with every error, by path and rule', async () => {
    const invalid = JSON.parse(ZORGMELDING) as {
      data: { payload: { incident: { datum: string }; kinderenAanwezig?: boolean } };
    };
    invalid.data.payload.incident.datum = '2026-02-30';
    delete invalid.data.payload.kinderenAanwezig;

    const records = await handler.submissions.handle(
      await submission({ value: JSON.stringify(invalid) }),
    );
    const rejection = await open(
      records.find((record) => hubDocumentTypeOf(record.headers) === 'rejection')!,
      'POLITIE-OB',
    );

    expect(rejection.errors).toEqual(
      expect.arrayContaining([
        {
          code: 'invalid-payload',
          path: '/data/payload/incident/datum',
          message: 'zorgmelding /incident/datum: must be a date (YYYY-MM-DD)',
        },
        {
          code: 'invalid-payload',
          path: '/data/payload/kinderenAanwezig',
          message: 'zorgmelding /kinderenAanwezig: is required',
        },
      ]),
    );
  });

  it('does not deliver a message id twice', async () => {
    await handler.submissions.handle(await submission());
    ledger.commit();

    const again = await handler.submissions.handle(await submission());

    expect(onTopic(again, 'samenloop.out.vt-zob.v1')).toEqual([]);
    const rejection = await open(
      again.find((record) => hubDocumentTypeOf(record.headers) === 'rejection')!,
      'POLITIE-OB',
    );
    expect(rejection.errors).toEqual([
      {
        code: 'duplicate',
        path: '/id',
        message: 'this message id was accepted before; it is not delivered again',
      },
    ]);
  });

  it('keeps the delivery to a recipient without a usable key waiting, sealed for the hub, tells the sender, and releases it with its id once the key is usable', async () => {
    const topics = topicNames();
    const waiting = new WaitingDeliveries(topics.waitingDeliveries);
    const withoutVtKey = fixture.handlers(ledger, { withoutKeyFor: 'VT-ZOB', waiting });

    const records = await withoutVtKey.submissions.handle(await submission());

    expect(onTopic(records, topics.delivery('VT-ZOB'))).toEqual([]);
    const receipt = await open(onTopic(records, topics.delivery('POLITIE-OB'))[0]!, 'POLITIE-OB');
    expect(receipt.deliveredTo).toEqual([]);
    expect(receipt.wachtOpSleutel).toEqual([
      {
        recipient: 'VT-ZOB',
        deliveryId: expect.any(String) as unknown,
        reden: 'sleutel-ontbreekt',
        toelichting: expect.stringContaining('you need not send the message again') as unknown,
      },
    ]);
    const { deliveryId } = (receipt.wachtOpSleutel as { deliveryId: string }[])[0]!;
    const [held, ...more] = waiting.pendingRecords;
    expect(more).toEqual([]);
    expect(held).toMatchObject({
      topic: topics.waitingDeliveries,
      key: deliveryId,
      headers: {
        'samenloop.waiting.recipient': 'VT-ZOB',
        'samenloop.waiting.reason': 'sleutel-ontbreekt',
      },
    });
    // Kept for the hub alone: not even the recipient can open it from there.
    await expect(open(held!, 'VT-ZOB')).rejects.toThrow();
    const audits = onTopic(records, AUDIT_TOPIC).map(
      (record) => JSON.parse(record.value as string) as Record<string, unknown>,
    );
    expect(audits.filter((audit) => audit.kind === 'delivery-waiting')).toEqual([
      expect.objectContaining({ recipient: 'VT-ZOB', deliveryId, reason: 'sleutel-ontbreekt' }),
    ]);
    ledger.commit();
    waiting.committed();

    const withVtKey = fixture.handlers(ledger, { waiting });
    const released = await withVtKey.clock.handle(fixture.tick(new Date()));

    const [delivery] = onTopic(released, topics.delivery('VT-ZOB'));
    expect(delivery!.headers?.[CLOUDEVENTS_HEADERS.id]).toBe(deliveryId);
    expect(await open(delivery!, 'VT-ZOB')).toMatchObject({
      deliveryId,
      recipient: 'VT-ZOB',
      messageType: 'nl.samenloop.zorgmelding',
      grondslag: { ruleIds: ['zm.vt.inhoud'] },
    });
    expect(waiting.pendingRecords).toEqual([
      { topic: topics.waitingDeliveries, key: deliveryId, value: null },
    ]);
    expect(
      onTopic(released, AUDIT_TOPIC).map((record) => JSON.parse(record.value as string) as object),
    ).toEqual([
      expect.objectContaining({ kind: 'delivery-released', deliveryId, recipient: 'VT-ZOB' }),
    ]);
    waiting.committed();
    expect(
      onTopic(await withVtKey.clock.handle(fixture.tick(new Date())), topics.delivery('VT-ZOB')),
    ).toEqual([]);
  });

  it('never releases a waiting delivery whose state record names another recipient than the hub sealed in it', async () => {
    const topics = topicNames();
    const waiting = new WaitingDeliveries(topics.waitingDeliveries);
    const withoutVtKey = fixture.handlers(ledger, { withoutKeyFor: 'VT-ZOB', waiting });
    await withoutVtKey.submissions.handle(await submission());
    const [held] = waiting.pendingRecords;
    ledger.commit();
    waiting.committed();
    // Someone who can write the state topic points the sealed delivery at another partner.
    waiting.restore([
      {
        key: held!.key as string,
        value: held!.value as Buffer,
        headers: { ...held!.headers, 'samenloop.waiting.recipient': 'OM' },
      },
    ]);

    const released = await fixture
      .handlers(ledger, { waiting })
      .clock.handle(fixture.tick(new Date()));

    expect(released.filter((record) => record.topic !== AUDIT_TOPIC)).toEqual([]);
    expect(onTopic(released, AUDIT_TOPIC)).toEqual([]);
    expect(waiting.pendingRecords).toEqual([]);
    expect(waiting.waitingFor('OM')).toHaveLength(1);
  });

  it('releases what waits for a recipient before its next delivery, so its deliveries keep their order', async () => {
    const topics = topicNames();
    const waiting = new WaitingDeliveries(topics.waitingDeliveries);
    await fixture
      .handlers(ledger, { withoutKeyFor: 'VT-ZOB', waiting })
      .submissions.handle(await submission());
    ledger.commit();
    waiting.committed();
    const second = JSON.parse(ZORGMELDING) as { id: string };
    second.id = '3f7e1c52-0b8a-4d6e-9f21-7c4b8a2d5e90';

    const records = await fixture
      .handlers(ledger, { waiting })
      .submissions.handle(await submission({ value: JSON.stringify(second) }));

    const documents = await Promise.all(
      onTopic(records, topics.delivery('VT-ZOB')).map((record) => open(record, 'VT-ZOB')),
    );
    expect(documents.map((document) => document.messageId)).toEqual([
      (JSON.parse(ZORGMELDING) as { id: string }).id,
      second.id,
    ]);
  });

  it('releases a long backlog batch by batch, each tick queueing the next, and queues a new delivery behind it', async () => {
    const topics = topicNames();
    const waiting = new WaitingDeliveries(topics.waitingDeliveries);
    const withoutVtKey = fixture.handlers(ledger, { withoutKeyFor: 'VT-ZOB', waiting });
    const base = JSON.parse(ZORGMELDING) as { id: string };
    const ids = Array.from(
      { length: RELEASE_BATCH + 1 },
      (_, index) => `3f7e1c52-0b8a-4d6e-9f21-${String(index).padStart(12, '0')}`,
    );
    for (const id of ids) {
      await withoutVtKey.submissions.handle(
        await submission({ value: JSON.stringify({ ...base, id }) }),
      );
      ledger.commit();
      waiting.committed();
    }
    const withVtKey = fixture.handlers(ledger, { waiting });

    const queued = await withVtKey.submissions.handle(
      await submission({
        value: JSON.stringify({ ...base, id: '3f7e1c52-0b8a-4d6e-9f21-999999999999' }),
      }),
    );
    expect(onTopic(queued, topics.delivery('VT-ZOB'))).toEqual([]);
    const receipt = await open(onTopic(queued, topics.delivery('POLITIE-OB'))[0]!, 'POLITIE-OB');
    expect(receipt.wachtOpSleutel).toEqual([
      expect.objectContaining({ recipient: 'VT-ZOB', reden: 'eerdere-leveringen-eerst' }),
    ]);
    ledger.commit();
    waiting.committed();

    const first = await withVtKey.clock.handle(fixture.tick(new Date()));
    waiting.committed();
    expect(onTopic(first, topics.delivery('VT-ZOB'))).toHaveLength(RELEASE_BATCH);
    expect(onTopic(first, topics.clock)).toHaveLength(1);
    const second = await withVtKey.clock.handle(fixture.tick(new Date()));
    waiting.committed();
    expect(onTopic(second, topics.delivery('VT-ZOB'))).toHaveLength(2);
    expect(onTopic(second, topics.clock)).toEqual([]);
    expect(waiting.size).toBe(0);
  });

  it('undoes what it staged for a waiting recipient when routing the submission fails', async () => {
    const waiting = new WaitingDeliveries(topicNames().waitingDeliveries);
    const broken = fixture.handlers(ledger, {
      withoutKeyFor: 'VT-ZOB',
      waiting,
      // The receipt is the last document built: a contract that refuses it fails the routing.
      validator: refusing(validator, 'receipt'),
    });

    await broken.submissions.handle(await submission());

    expect(waiting.pendingRecords).toEqual([]);
    expect(ledger.pendingEntries).toEqual([]);
  });
});

/** A validator whose contract for `refused` documents refuses whatever the hub builds. */
function refusing(base: typeof validator, refused: string): typeof validator {
  return validatorOverriding(base, refused, () => ({
    ok: false,
    errors: [
      { code: 'invalid-document', schema: refused, path: '/grondslag/ruleIds', message: 'x' },
    ],
  }));
}
