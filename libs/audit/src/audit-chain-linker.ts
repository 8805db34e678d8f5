import type { OutboundRecord } from '@samenloop/messaging';
import { AUDIT_CHAIN_HEADERS, chainHash } from './audit-chain';

/** The hash of the last committed record of every audit partition, by partition. */
export type ChainHeads = ReadonlyMap<number, string>;

export interface AuditChainLinkerOptions {
  readonly auditTopic: string;
  /** The partition a record's key goes to among `partitionCount` (the rule verify never needs). */
  readonly partitionOf: (key: Buffer | string | null, partitionCount: number) => number;
  /** The heads as committed on the broker now; every partition of the topic has one. */
  readonly readHeads: () => Promise<ChainHeads>;
}

/**
 * Links each chunk's audit records into one chain per partition, as the single writer of the audit
 * topic. A chunk's links are staged and become the heads only once its transaction commits. After
 * an abort the heads are read back from the broker before the next chunk instead of kept: a commit
 * whose answer was lost may have gone through, and only the broker knows.
 */
export class AuditChainLinker {
  private heads: Map<number, string> | undefined;
  private staged: Map<number, string> | undefined;

  constructor(private readonly options: AuditChainLinkerOptions) {}

  /** Reads the heads from the broker (at start-up, and after an abort). */
  async restore(): Promise<ChainHeads> {
    const heads = new Map(await this.options.readHeads());
    if (heads.size === 0) throw new Error(`${this.options.auditTopic} has no partitions`);
    this.heads = heads;
    this.staged = undefined;
    return heads;
  }

  /** The chunk's records, each audit record given its partition and chain headers, in order. */
  readonly link = async (records: readonly OutboundRecord[]): Promise<OutboundRecord[]> => {
    const heads = new Map(this.heads ?? (await this.restore()));
    const linked = records.map((record) => {
      if (record.topic !== this.options.auditTopic) return record;
      const partition = this.options.partitionOf(record.key, heads.size);
      const previous = heads.get(partition);
      if (previous === undefined)
        throw new Error(`${record.topic} has no partition ${partition}: the topic changed`);
      const hash = chainHash(previous, { partition, key: record.key, value: record.value });
      heads.set(partition, hash);
      const chain = { [AUDIT_CHAIN_HEADERS.previous]: previous, [AUDIT_CHAIN_HEADERS.hash]: hash };
      return { ...record, partition, headers: { ...record.headers, ...chain } };
    });
    this.staged = heads;
    return linked;
  };

  committed(): void {
    if (this.staged) this.heads = this.staged;
    this.staged = undefined;
  }

  aborted(): void {
    this.staged = undefined;
    this.heads = undefined;
  }
}
