import { Partitioners, type PartitionMetadata } from 'kafkajs';

const defaultPartitioner = Partitioners.DefaultPartitioner();

/**
 * The partition kafkajs's default partitioner (murmur2, as Java's client) picks for a key among
 * `partitionCount` partitions: for a writer that must know a record's partition before sending it.
 * A record without a key goes to partition 0, where the default partitioner would scatter it.
 */
export function keyPartition(key: Buffer | string | null, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1)
    throw new Error(`a topic has at least one partition, not ${partitionCount}`);
  if (key === null) return 0;
  const partitionMetadata: PartitionMetadata[] = Array.from(
    { length: partitionCount },
    (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }),
  );
  return defaultPartitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
