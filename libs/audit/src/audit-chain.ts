import { createHash } from 'node:crypto';

/** Where an audit record carries its chain: in headers, so the record's body stays as it was. */
export const AUDIT_CHAIN_HEADERS = {
  /** The hash of the record before it in its partition (`GENESIS_HASH` for the first). */
  previous: 'samenloop.audit.chain.previous',
  /** The record's own hash (`chainHash`). */
  hash: 'samenloop.audit.chain.hash',
} as const;

/** What the first chained record of every partition chains from: 32 zero bytes. */
export const GENESIS_HASH = '0'.repeat(64);

const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** The parts of an audit record the chain covers. */
export interface ChainedContent {
  readonly partition: number;
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
}

/**
 * SHA-256, lower-case hex, over: the previous hash (32 bytes), the partition (int32 big-endian),
 * then key and value, each as its length (int32 big-endian, -1 for null) and its bytes (UTF-8 for
 * a string). The bytes as written are the canonical form: no JSON re-serialisation to agree on.
 */
export function chainHash(previous: string, content: ChainedContent): string {
  if (!HASH_PATTERN.test(previous)) throw new Error('a previous hash is 64 lower-case hex digits');
  const partition = Buffer.alloc(4);
  partition.writeInt32BE(content.partition);
  return createHash('sha256')
    .update(Buffer.from(previous, 'hex'))
    .update(partition)
    .update(lengthPrefixed(content.key))
    .update(lengthPrefixed(content.value))
    .digest('hex');
}

function lengthPrefixed(data: Buffer | string | null): Buffer {
  const bytes = data === null ? null : Buffer.from(data);
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes === null ? -1 : bytes.length);
  return bytes === null ? length : Buffer.concat([length, bytes]);
}

/** A header as kafkajs hands it over: bytes, text, a repeated header, or absent. */
export type HeaderValue = Buffer | string | readonly (Buffer | string)[] | undefined;

/** An audit record as read back from its partition. */
export interface ReadAuditRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, HeaderValue>>;
}

/**
 * - `hash-mismatch`: the record's key or value is not what its hash was computed over (altered).
 * - `predecessor-mismatch`: it names another predecessor than the record before it (a record was
 *   inserted, removed or reordered before it).
 * - `unchained`: no (or a malformed) chain after the chain began (written by another writer).
 */
export type ChainProblem = 'hash-mismatch' | 'predecessor-mismatch' | 'unchained';

export interface ChainBreak {
  readonly partition: number;
  readonly offset: string;
  readonly problem: ChainProblem;
}

export interface PartitionVerification {
  readonly partition: number;
  /** Chained records whose links held, up to the first break. */
  readonly verified: number;
  /** Records without a chain before the first chained one: written before the chain existed. */
  readonly unchainedBefore: number;
  /**
   * Set when the partition's first records were deleted (retention): the first record read was
   * chained to one no longer there, so the check starts from its link, at this offset.
   */
  readonly trustedFrom?: string;
  readonly firstBreak?: ChainBreak;
}

/**
 * Walks one partition's records in offset order and stops at the first break: after it, nothing
 * in the partition can be vouched for. Records before the first chained one were written before
 * the chain existed; they are counted, not judged.
 */
export class PartitionChainVerifier {
  private head = GENESIS_HASH;
  private chainBegun = false;
  private verified = 0;
  private unchainedBefore = 0;
  private firstBreak: ChainBreak | undefined;
  private trustedFrom: string | undefined;
  private seen = 0;

  /** `startsAfterDeletion`: the partition's log no longer starts at offset 0. */
  constructor(
    readonly partition: number,
    private readonly startsAfterDeletion = false,
  ) {}

  check(record: ReadAuditRecord): void {
    if (this.firstBreak) return;
    const first = this.seen === 0;
    this.seen += 1;
    const previous = singleHeader(record.headers[AUDIT_CHAIN_HEADERS.previous]);
    const hash = singleHeader(record.headers[AUDIT_CHAIN_HEADERS.hash]);
    if (previous === undefined && hash === undefined && !this.chainBegun) {
      this.unchainedBefore += 1;
      return;
    }
    if (!previous || !hash || !HASH_PATTERN.test(previous) || !HASH_PATTERN.test(hash)) {
      this.breakAt(record, 'unchained');
      return;
    }
    if (first && this.startsAfterDeletion) {
      this.head = previous;
      this.trustedFrom = record.offset;
    }
    if (previous !== this.head) {
      this.breakAt(record, 'predecessor-mismatch');
      return;
    }
    if (chainHash(previous, { partition: this.partition, ...record }) !== hash) {
      this.breakAt(record, 'hash-mismatch');
      return;
    }
    this.head = hash;
    this.chainBegun = true;
    this.verified += 1;
  }

  get result(): PartitionVerification {
    return {
      partition: this.partition,
      verified: this.verified,
      unchainedBefore: this.unchainedBefore,
      ...(this.trustedFrom === undefined ? {} : { trustedFrom: this.trustedFrom }),
      ...(this.firstBreak ? { firstBreak: this.firstBreak } : {}),
    };
  }

  private breakAt(record: ReadAuditRecord, problem: ChainProblem): void {
    this.firstBreak = { partition: this.partition, offset: record.offset, problem };
  }
}

/** A chain header's text; a repeated header is not a valid chain. */
function singleHeader(value: HeaderValue): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  return value.toString();
}

/** What a record passes on to its successor: its own hash, or genesis when it carries no chain. */
export function chainHeadOf(headers: Readonly<Record<string, HeaderValue>>): string {
  const hash = singleHeader(headers[AUDIT_CHAIN_HEADERS.hash]);
  return hash !== undefined && HASH_PATTERN.test(hash) ? hash : GENESIS_HASH;
}
