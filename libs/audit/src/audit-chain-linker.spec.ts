import type { OutboundRecord } from '@samenloop/messaging';
import { AUDIT_CHAIN_HEADERS, GENESIS_HASH, PartitionChainVerifier } from './audit-chain';
import { AuditChainLinker, type ChainHeads } from './audit-chain-linker';

const AUDIT = 'samenloop.audit.v1';

/** Keys `p<n>-…` go to partition n of 2: the rule is the linker's caller's, not its own. */
const partitionOf = (key: Buffer | string | null) => (String(key).startsWith('p1') ? 1 : 0);

function audit(key: string, n: number): OutboundRecord {
  return { topic: AUDIT, key, value: JSON.stringify({ kind: 'decision', n }) };
}

function linker(
  heads: ChainHeads = new Map([
    [0, GENESIS_HASH],
    [1, GENESIS_HASH],
  ]),
) {
  const readHeads = jest.fn(() => Promise.resolve(heads));
  return { linker: new AuditChainLinker({ auditTopic: AUDIT, partitionOf, readHeads }), readHeads };
}

/** What a read_committed reader of partition `partition` sees of the committed chunks. */
function verify(partition: number, chunks: readonly (readonly OutboundRecord[])[]) {
  const verifier = new PartitionChainVerifier(partition);
  chunks
    .flat()
    .filter((record) => record.topic === AUDIT && record.partition === partition)
    .forEach((record, offset) =>
      verifier.check({
        offset: String(offset),
        key: Buffer.from(String(record.key)),
        value: Buffer.from(String(record.value)),
        headers: record.headers ?? {},
      }),
    );
  return verifier.result;
}

describe(AuditChainLinker.name, () => {
  it('chains each partition’s audit records across committed chunks and leaves other records alone', async () => {
    const { linker: chain } = linker();
    const delivery = { topic: 'samenloop.out.vt-zob.v1', key: 'm-1', value: 'ciphertext' };

    const first = await chain.link([audit('p0-a', 1), delivery, audit('p1-a', 2)]);
    chain.committed();
    const second = await chain.link([audit('p0-b', 3), audit('p0-c', 4)]);
    chain.committed();

    expect(first[1]).toBe(delivery);
    expect(first.map((record) => record.partition)).toEqual([0, undefined, 1]);
    expect(verify(0, [first, second])).toEqual({ partition: 0, verified: 3, unchainedBefore: 0 });
    expect(verify(1, [first, second])).toEqual({ partition: 1, verified: 1, unchainedBefore: 0 });
  });

  it('keeps the record’s own headers beside its chain', async () => {
    const { linker: chain } = linker();

    const [linked] = await chain.link([{ ...audit('p0-a', 1), headers: { traceparent: 't' } }]);

    expect(Object.keys(linked!.headers ?? {})).toEqual([
      'traceparent',
      AUDIT_CHAIN_HEADERS.previous,
      AUDIT_CHAIN_HEADERS.hash,
    ]);
  });

  it('chains from the heads it restored', async () => {
    const head = 'ef'.repeat(32);
    const { linker: chain } = linker(
      new Map([
        [0, head],
        [1, GENESIS_HASH],
      ]),
    );
    await chain.restore();

    const [linked] = await chain.link([audit('p0-a', 1)]);

    expect(linked!.headers?.[AUDIT_CHAIN_HEADERS.previous]).toBe(head);
  });

  it('does not move the heads before the chunk commits, and reads them back after an abort', async () => {
    const { linker: chain, readHeads } = linker();
    await chain.restore();

    const aborted = await chain.link([audit('p0-a', 1)]);
    chain.aborted();
    const retried = await chain.link([audit('p0-a', 1)]);
    chain.committed();

    // The broker still had genesis: the retried chunk chains from it again, as a reader sees it.
    expect(readHeads).toHaveBeenCalledTimes(2);
    expect(retried[0]!.headers).toEqual(aborted[0]!.headers);
    expect(verify(0, [retried])).toEqual({ partition: 0, verified: 1, unchainedBefore: 0 });
  });

  it('refuses a partition the restored topic does not have', async () => {
    const { linker: chain } = linker(new Map([[0, GENESIS_HASH]]));

    await expect(chain.link([audit('p1-a', 1)])).rejects.toThrow(/no partition 1/);
  });
});
