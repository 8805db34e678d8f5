import type { Kafka } from 'kafkajs';
import { GENESIS_HASH, chainHeadOf, type ChainHeads } from '@samenloop/audit';
import { partitionOffsets, readPartitions, type PartitionOffsets } from '@samenloop/messaging';

/**
 * How far back the first look for a partition's last record reaches. A chunk's transaction writes
 * at most a few hundred audit records to a partition, so its last committed record is nearly always
 * within this; when only aborted records and markers are, the look reaches 16 times further back.
 */
const FIRST_LOOK_BACK = 1_000n;

/**
 * The chain head of every audit partition: the hash its last committed record carries (read
 * read_committed, so an aborted transaction's records never count), the genesis hash for an empty
 * partition or one whose last record has no chain (written before the chain existed).
 */
export async function readAuditChainHeads(
  kafka: Kafka,
  auditTopic: string,
  timeoutMs = 120_000,
): Promise<ChainHeads> {
  const heads = new Map<number, string>();
  let unresolved: PartitionOffsets[] = [];
  for (const offsets of await partitionOffsets(kafka, auditTopic)) {
    if (BigInt(offsets.high) > BigInt(offsets.low)) unresolved.push(offsets);
    else heads.set(offsets.partition, GENESIS_HASH);
  }
  for (let lookBack = FIRST_LOOK_BACK; unresolved.length > 0; lookBack *= 16n) {
    const ranges = unresolved.map(({ partition, low, high }) => ({
      partition,
      from: maxOffset(BigInt(low), BigInt(high) - lookBack).toString(),
      to: high,
    }));
    const last = new Map<number, string>();
    await readPartitions(kafka, {
      topic: auditTopic,
      ranges,
      each: (partition, message) => last.set(partition, chainHeadOf(message.headers ?? {})),
      timeoutMs,
    });
    unresolved = unresolved.filter(({ partition, low }, index) => {
      const head = last.get(partition);
      if (head) heads.set(partition, head);
      // Nothing committed in the whole partition: it starts from genesis like an empty one.
      else if (ranges[index]!.from === low) heads.set(partition, GENESIS_HASH);
      else return true;
      return false;
    });
  }
  return heads;
}

function maxOffset(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
