import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { hubDocumentTypeOf } from '@samenloop/contracts';
import { CaseLedger } from '@samenloop/case';
import type { InboundRecord, OutboundRecord } from '@samenloop/messaging';
import {
  HandlerFixture,
  MAX_MESSAGE_BYTES,
  ZORGMELDING,
  validator,
} from './submission-handler.fixture';

/**
 * Property-based fuzzing of the submission path: generated malformed, oversized, wrongly typed,
 * wrongly signed and replayed submissions. Every one is rejected with a reason from the rejection
 * schema, dead-lettered, never delivered, and never crashes the handler.
 */
// Each run signs, verifies and encrypts a rejection: a few milliseconds of OpenPGP work.
const TIMEOUT_MS = 180_000;
const RUNS = {
  malformed: 2_500,
  mutated: 3_000,
  wronglySigned: 2_500,
  oversized: 1_000,
  replayed: 1_000,
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const valid = JSON.parse(ZORGMELDING) as { [key: string]: Json };

/** Every path to a node of a JSON value, with the node. */
function nodes(
  value: Json,
  at: (string | number)[] = [],
): { path: (string | number)[]; node: Json }[] {
  const here = [{ path: at, node: value }];
  if (Array.isArray(value))
    return [...here, ...value.flatMap((item, index) => nodes(item, [...at, index]))];
  if (value !== null && typeof value === 'object')
    return [
      ...here,
      ...Object.entries(value).flatMap(([key, child]) => nodes(child, [...at, key])),
    ];
  return here;
}

function setAt(root: Json, path: (string | number)[], replace: (node: Json) => Json): Json {
  if (path.length === 0) return replace(root);
  const [head, ...rest] = path;
  if (Array.isArray(root))
    return root.map((item, index) => (index === head ? setAt(item, rest, replace) : item));
  if (root !== null && typeof root === 'object')
    return { ...root, [head!]: setAt(root[head as string]!, rest, replace) };
  return root;
}

const everyNode = nodes(valid);
const objectNodes = everyNode.filter(
  ({ node }) => node !== null && typeof node === 'object' && !Array.isArray(node),
);
const stringLeaves = everyNode.filter(({ node }) => typeof node === 'string');

/** Mutations that can never leave the submission valid: every object is closed, no field is nullable. */
const mutated = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...objectNodes),
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.jsonValue(),
    )
    .map(([{ path }, key, value]) =>
      setAt(valid, path, (node) => ({ ...(node as object), [`x-fuzz-${key}`]: value as Json })),
    ),
  fc
    .tuple(
      fc.constantFrom(...stringLeaves),
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)),
    )
    .map(([{ path }, value]) => setAt(valid, path, () => value)),
);

/** The heap after a full collection, so the figure is what is kept, not garbage not yet swept. */
function liveHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

describe('the submission path under fuzzing', () => {
  let fixture: HandlerFixture;
  let heapBefore = 0;

  beforeAll(async () => {
    fixture = await HandlerFixture.create();
    heapBefore = liveHeap();
  });

  /** `audited`: whether the signature held, so the rejection is audited (codes and paths only). */
  async function expectRejected(
    record: InboundRecord,
    ledger = new CaseLedger(),
    audited = true,
  ): Promise<void> {
    const output: readonly OutboundRecord[] = await fixture
      .handlers(ledger)
      .submissions.handle(record);
    const rejection = output.find((item) => hubDocumentTypeOf(item.headers) === 'rejection');
    expect(output.filter((item) => hubDocumentTypeOf(item.headers) === 'delivery')).toEqual([]);
    expect(output.filter((item) => item.topic === 'samenloop.deadletter.v1')).toHaveLength(1);
    const audits = output.filter((item) => item.topic === 'samenloop.audit.v1');
    expect(audits).toHaveLength(audited ? 1 : 0);
    for (const audit of audits)
      expect(JSON.parse(String(audit.value))).toMatchObject({ kind: 'rejection' });
    expect(output).toHaveLength(audited ? 3 : 2);
    const document = await fixture.open(rejection!, 'POLITIE-OB');
    expect(validator.validateDocument('rejection', document).ok).toBe(true);
    expect(ledger.pendingEntries).toEqual([]);
  }

  it(
    `rejects ${RUNS.malformed} malformed or wrongly typed values, correctly signed`,
    async () => {
      const values = fc.oneof(
        fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
        fc.string({ maxLength: 2_000 }).map((text) => Buffer.from(text)),
        fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value))),
      );
      await fc.assert(
        fc.asyncProperty(values, async (value) =>
          expectRejected(await fixture.submission({ value })),
        ),
        { numRuns: RUNS.malformed },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `rejects ${RUNS.mutated} mutations of a valid submission (unknown fields, wrong types)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(mutated, async (submission) =>
          expectRejected(await fixture.submission({ value: JSON.stringify(submission) })),
        ),
        { numRuns: RUNS.mutated },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `rejects ${RUNS.wronglySigned} valid submissions in clear, garbled, unsigned, signed by another partner or encrypted to another key`,
    async () => {
      const valid = (await fixture.submission()).value!;
      const sealings = fc.oneof(
        fc
          .uint8Array({ minLength: 1, maxLength: 300 })
          .map((bytes) => ({ raw: Buffer.from(bytes) })),
        // One changed bit anywhere in a valid message: the encryption's integrity check or the
        // packet structure gives it away — unless the bit is one OpenPGP does not protect.
        fc
          .record({ at: fc.nat({ max: valid.length - 1 }), bit: fc.integer({ min: 0, max: 7 }) })
          .map(({ at, bit }) => {
            const raw = Buffer.from(valid);
            raw[at]! ^= 1 << bit;
            return { raw, flipped: true };
          }),
        fc.constant({ encryptTo: null }),
        fc.constantFrom('POLITIE-OB', 'VT-BNO').map((encryptTo) => ({ encryptTo })),
        fc.constantFrom('VT-BNO', 'OM', 'RVDK').map((signer) => ({ signer })),
        fc.constant({ signer: null }),
      );
      const original = await fixture.plaintextOf(valid);
      await fc.assert(
        fc.asyncProperty(sealings, async (sealing) => {
          const record = await fixture.submission(sealing);
          // Some bits are outside what OpenPGP authenticates (an MPI's bit count, for one): the
          // changed message may still open, signed, to the very same plaintext, and is then the
          // partner's genuine submission. It must never open to anything else.
          if ('flipped' in sealing) {
            const opened = await fixture.plaintextOf(sealing.raw).catch(() => undefined);
            if (opened !== undefined) {
              expect(opened).toBe(original);
              return;
            }
          }
          await expectRejected(record, undefined, false);
        }),
        {
          numRuns: RUNS.wronglySigned,
        },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `rejects ${RUNS.oversized} submissions over the ${MAX_MESSAGE_BYTES}-byte limit`,
    async () => {
      const sizes = fc.integer({ min: MAX_MESSAGE_BYTES + 1, max: MAX_MESSAGE_BYTES * 4 });
      await fc.assert(
        fc.asyncProperty(sizes, async (size) =>
          expectRejected(
            await fixture.submission({ value: Buffer.alloc(size, 0x7b) }),
            undefined,
            false,
          ),
        ),
        { numRuns: RUNS.oversized },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `rejects ${RUNS.replayed} replays of an accepted submission as duplicates`,
    async () => {
      const ledger = new CaseLedger();
      const original = await fixture.submission();
      await fixture.handlers(ledger).submissions.handle(original);
      ledger.commit();
      await fc.assert(
        fc.asyncProperty(fc.constant(original), async (replay) => expectRejected(replay, ledger)),
        { numRuns: RUNS.replayed },
      );
    },
    TIMEOUT_MS,
  );

  it('keeps memory bounded over the runs', () => {
    // 10,000 rejected submissions leave no per-submission state behind: a leak of even 5 KB per
    // submission would exceed this bound.
    expect(liveHeap() - heapBefore).toBeLessThan(50 * 1024 * 1024);
  });
});
