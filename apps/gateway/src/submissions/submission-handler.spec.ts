import { CaseLedger } from '@samenloop/case';
import { decryptAndVerify } from '@samenloop/crypto';
import {
  DEAD_LETTER_HEADERS,
  TransientProcessingError,
  topicNames,
  type OutboundRecord,
} from '@samenloop/messaging';
import type { HubHandlers } from '../hub-handlers';
import { SubmissionHandler } from './submission-handler';
import {
  HandlerFixture,
  ZORGMELDING,
  policy,
  validator,
  type SubmissionOptions,
} from './submission-handler.fixture';

const AUDIT_TOPIC = topicNames().audit;

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
    const records = await handler.handle(await submission());

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
      ce_type: 'nl.samenloop.delivery',
      'content-type': 'application/pgp-encrypted',
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
    const [delivery] = onTopic(await handler.handle(await submission()), 'samenloop.out.vt-zob.v1');

    await expect(
      decryptAndVerify(new Uint8Array(delivery!.value as Buffer), {
        decryptionKey: fixture.partnerKeys.get('VT-BNO')!.privateKey,
        verificationKeys: [fixture.hub.publicKey],
      }),
    ).rejects.toThrow(/not encrypted to key/);
  });

  it('writes audit records that match the deliveries one to one, with field paths and never values', async () => {
    const records = await handler.handle(await submission());
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
    ['unsigned', { signer: null }, 'missing-signature', 'POLITIE-OB', 0],
    [
      'signed by another partner (forged)',
      { signer: 'VT-BNO' },
      'invalid-signature',
      'POLITIE-OB',
      0,
    ],
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
      const records = await handler.handle(await submission(options));

      const rejected = records.filter(
        (record) => record.headers?.ce_type === 'nl.samenloop.rejection',
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

  it('answers a valid message the hub cannot deliver within its own contract as undeliverable, and delivers nothing of it', async () => {
    // A hub whose delivery contract refuses what it builds: a fault of the hub, not the sender's.
    const strict = Object.create(validator) as typeof validator;
    strict.validateDocument = (name, document) =>
      name === 'delivery'
        ? {
            ok: false,
            errors: [
              {
                code: 'invalid-document',
                schema: 'delivery',
                path: '/grondslag/ruleIds',
                message: 'x',
              },
            ],
          }
        : validator.validateDocument(name, document);
    const records = await fixture
      .handlers(ledger, { validator: strict })
      .handle(await submission());

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

  it('rejects an invalid payload with every error, by path and rule', async () => {
    const invalid = JSON.parse(ZORGMELDING) as {
      data: { payload: { incident: { datum: string }; kinderenAanwezig?: boolean } };
    };
    invalid.data.payload.incident.datum = '2026-02-30';
    delete invalid.data.payload.kinderenAanwezig;

    const records = await handler.handle(await submission({ value: JSON.stringify(invalid) }));
    const rejection = await open(
      records.find((record) => record.headers?.ce_type === 'nl.samenloop.rejection')!,
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
    await handler.handle(await submission());
    ledger.commit();

    const again = await handler.handle(await submission());

    expect(onTopic(again, 'samenloop.out.vt-zob.v1')).toEqual([]);
    const rejection = await open(
      again.find((record) => record.headers?.ce_type === 'nl.samenloop.rejection')!,
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

  it('holds back a delivery to a recipient without a usable key, to be retried, and stages nothing', async () => {
    const withoutVtKey = fixture.handlers(ledger, { withoutKeyFor: 'VT-ZOB' });

    const attempt = withoutVtKey.handle(await submission());

    await expect(attempt).rejects.toThrow(TransientProcessingError);
    await expect(attempt).rejects.toThrow(
      'no usable public key for VT-ZOB; the delivery waits until one is registered',
    );
    expect(ledger.pendingEntries).toEqual([]);
  });
});
