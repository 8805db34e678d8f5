import type { Kafka } from 'kafkajs';
import { PartitionChainVerifier, type PartitionVerification } from '@samenloop/audit';
import { partitionOffsets, readPartitions } from '@samenloop/messaging';

/**
 * Walks every partition of an audit topic from its first record to its end now (read_committed:
 * aborted transactions were never part of the audit) and checks each record's chain links.
 */
export async function verifyAuditTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 600_000,
): Promise<PartitionVerification[]> {
  const offsets = await partitionOffsets(kafka, topic);
  if (offsets.length === 0) throw new Error(`topic ${topic} does not exist or has no partitions`);
  const verifiers = new Map(
    offsets.map(({ partition, low }) => [
      partition,
      new PartitionChainVerifier(partition, low !== '0'),
    ]),
  );
  await readPartitions(kafka, {
    topic,
    ranges: offsets.map(({ partition, low, high }) => ({ partition, from: low, to: high })),
    each: (partition, message) =>
      verifiers.get(partition)?.check({ ...message, headers: message.headers ?? {} }),
    timeoutMs,
  });
  return [...verifiers.values()].map((verifier) => verifier.result);
}

const PROBLEMS = {
  'hash-mismatch': 'hash mismatch: its key or value is not what its hash was computed over',
  'predecessor-mismatch':
    'predecessor mismatch: it does not chain to the record before it (one inserted, removed or reordered)',
  unchained: 'record without chain, after the chain began',
} as const;

/** One line per partition: counts, and the first break by offset. Never a record's content. */
export function describeVerification(result: PartitionVerification): string {
  const before =
    result.unchainedBefore > 0
      ? `${result.unchainedBefore} records from before the chain, unchecked; `
      : '';
  const trusted =
    result.trustedFrom === undefined
      ? ''
      : `records before offset ${result.trustedFrom} deleted (retention), checked from there; `;
  const verified = `${trusted}${before}${result.verified} chained records verified`;
  const { firstBreak } = result;
  return firstBreak
    ? `partition ${result.partition}: ${verified}, then BROKEN at offset ${firstBreak.offset}: ${PROBLEMS[firstBreak.problem]}`
    : `partition ${result.partition}: ${verified}, intact`;
}
