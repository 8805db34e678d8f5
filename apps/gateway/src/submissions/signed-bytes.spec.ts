import fc from 'fast-check';
import { hubDocumentTypeOf } from '@samenloop/contracts';
import { CaseLedger } from '@samenloop/case';
import { MAX_SUBMISSION_SIGNATURES } from '@samenloop/crypto';
import { topicNames, type OutboundRecord } from '@samenloop/messaging';
import { createMessage, encrypt, enums } from 'openpgp';
import type { HubHandlers } from '../hub-handlers';
import { firstInvalidUtf8Byte } from './intake/utf8.check';
import {
  HandlerFixture,
  MAX_MESSAGE_BYTES,
  ZORGMELDING,
  validator,
} from './submission-handler.fixture';

const AUDIT_TOPIC = topicNames().audit;
const POLITIE_OUT = 'samenloop.out.politie-ob.v1';

/**
 * Issues 13 and 14: opening a submission cannot be made expensive (signatures are counted before
 * any is verified; a compressed plaintext is inflated no further than the gateway's limit), and
 * what was signed is what is delivered (a plaintext that is not UTF-8 throughout is refused, never
 * routed with U+FFFD in place of the signed bytes).
 */
describe('the signed bytes of a submission', () => {
  let fixture: HandlerFixture;
  let handler: HubHandlers;

  beforeAll(async () => {
    fixture = await HandlerFixture.create();
  });

  beforeEach(() => {
    handler = fixture.handlers(new CaseLedger());
  });

  /** What the sender is told, and what else the hub wrote. */
  async function answered(records: readonly OutboundRecord[]) {
    const answer = records.find((record) => record.topic === POLITIE_OUT);
    const document = await fixture.open(answer!, 'POLITIE-OB');
    expect(validator.validateDocument('rejection', document).ok).toBe(true);
    return {
      errors: document.errors as { code: string; message: string; path?: string }[],
      messageId: document.messageId,
      deliveries: records.filter((record) => hubDocumentTypeOf(record.headers) === 'delivery'),
      deadLetters: records.filter((record) => record.topic === 'samenloop.deadletter.v1'),
      audits: records
        .filter((record) => record.topic === AUDIT_TOPIC)
        .map((record) => JSON.parse(String(record.value)) as Record<string, unknown>),
    };
  }

  /** Signed by POLITIE-OB `signatures` times, compressed with ZLIB as gpg does, encrypted to the hub. */
  async function compressed(plaintext: Uint8Array, signatures = 1): Promise<Buffer> {
    const politie = fixture.partnerKeys.get('POLITIE-OB')!.privateKey.openpgpKey;
    const encrypted: unknown = await encrypt({
      message: await createMessage({ binary: plaintext }),
      encryptionKeys: fixture.hub.publicKey.openpgpKey,
      signingKeys: Array<typeof politie>(signatures).fill(politie),
      config: { preferredCompressionAlgorithm: enums.compression.zlib },
      format: 'binary',
    });
    return Buffer.from(encrypted as Uint8Array);
  }

  it('rejects a compressed submission that inflates beyond the limit as too-large, naming the limit, and delivers nothing', async () => {
    // 10 MB of spaces: a few KB on the topic, far under the record limit.
    const bomb = await compressed(new Uint8Array(10 * 1024 * 1024).fill(0x20));
    expect(bomb.length).toBeLessThan(MAX_MESSAGE_BYTES);

    const outcome = await answered(
      await handler.submissions.handle(await fixture.submission({ raw: bomb })),
    );

    expect(outcome.errors).toEqual([
      {
        code: 'too-large',
        message: `the decrypted (decompressed) submission is over ${MAX_MESSAGE_BYTES} bytes, the hub's maximum; decompression stopped there`,
      },
    ]);
    expect(outcome.deliveries).toEqual([]);
    expect(outcome.deadLetters).toHaveLength(1);
    // Before the signature holds, the sender is not known: nothing is audited in its name.
    expect(outcome.audits).toEqual([]);
  });

  it('rejects a submission with more signatures than the limit, and delivers nothing', async () => {
    const stuffed = await compressed(Buffer.from(ZORGMELDING), MAX_SUBMISSION_SIGNATURES + 1);

    const outcome = await answered(
      await handler.submissions.handle(await fixture.submission({ raw: stuffed })),
    );

    expect(outcome.errors).toEqual([
      {
        code: 'invalid-signature',
        message: `the message holds more than ${MAX_SUBMISSION_SIGNATURES} signatures; none was verified: sign once with POLITIE-OB's registered key`,
      },
    ]);
    expect(outcome.deliveries).toEqual([]);
    expect(outcome.deadLetters).toHaveLength(1);
    expect(outcome.audits).toEqual([]);
  });

  it('still delivers a compressed submission signed twice by the sender, within the signature limit', async () => {
    const twice = await compressed(Buffer.from(ZORGMELDING), 2);

    const records = await handler.submissions.handle(await fixture.submission({ raw: twice }));

    expect(records.filter((record) => record.topic === 'samenloop.out.vt-zob.v1')).toHaveLength(1);
  });

  it('rejects a signed value with invalid UTF-8 inside a JSON string, naming the byte, and audits it', async () => {
    const text = Buffer.from(ZORGMELDING);
    const at = text.indexOf('hoorbare') + 'hoor'.length;
    // 0xff is no UTF-8 at all; before, it reached VT-ZOB as U+FFFD, which the sender never signed.
    const value = Buffer.concat([text.subarray(0, at), Buffer.from([0xff]), text.subarray(at)]);

    const outcome = await answered(
      await handler.submissions.handle(await fixture.submission({ value })),
    );

    expect(outcome.errors).toEqual([
      {
        code: 'not-json',
        message: `the decrypted submission is not valid UTF-8 at byte ${at}; JSON is UTF-8 (RFC 8259 §8.1), and the hub routes exactly the text that was signed`,
      },
    ]);
    expect(outcome.messageId).toBe('6f1c2b7e-3d4a-4c5b-9e8f-0a1b2c3d4e5f');
    expect(outcome.deliveries).toEqual([]);
    expect(outcome.deadLetters).toHaveLength(1);
    expect(outcome.audits).toEqual([
      expect.objectContaining({
        kind: 'rejection',
        sender: 'POLITIE-OB',
        step: 'validate',
        codes: ['not-json'],
        messageId: '6f1c2b7e-3d4a-4c5b-9e8f-0a1b2c3d4e5f',
      }),
    ]);
  });

  it.each([
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['an overlong form of "/"', [0xc0, 0xaf]],
    ['a sequence cut short', [0xe2, 0x82]],
  ])('rejects a value with %s in a JSON string', async (_case, bytes) => {
    const text = Buffer.from(ZORGMELDING);
    const at = text.indexOf('Lindelaan');
    const value = Buffer.concat([text.subarray(0, at), Buffer.from(bytes), text.subarray(at)]);

    const outcome = await answered(
      await handler.submissions.handle(await fixture.submission({ value })),
    );

    expect(outcome.errors.map((error) => error.code)).toEqual(['not-json']);
    expect(outcome.errors[0]!.message).toContain(`at byte ${at};`);
  });

  it('still refuses a byte order mark as not JSON, as before', async () => {
    const value = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ZORGMELDING)]);

    const outcome = await answered(
      await handler.submissions.handle(await fixture.submission({ value })),
    );

    expect(outcome.errors.map((error) => error.code)).toEqual(['not-json']);
    expect(outcome.errors[0]!.message).not.toContain('UTF-8');
  });
});

describe(firstInvalidUtf8Byte.name, () => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decodes = (bytes: Uint8Array) => {
    try {
      decoder.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };

  it('finds an invalid byte exactly where the fatal decoder refuses the value', () => {
    const utf8ish = fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 4 }),
        fc.string({ unit: 'binary', maxLength: 4 }).map((text) => Buffer.from(text)),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(utf8ish, (parts) => {
        const bytes = Buffer.concat(parts);
        const at = firstInvalidUtf8Byte(bytes);
        expect(at === -1).toBe(decodes(bytes));
        if (at >= 0) {
          expect(decodes(bytes.subarray(0, at))).toBe(true);
        }
      }),
      { numRuns: 5_000 },
    );
  });
});
