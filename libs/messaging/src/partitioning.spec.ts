import { Partitioners } from 'kafkajs';
import { keyPartition } from './partitioning';

describe(keyPartition.name, () => {
  it('picks the partition kafkajs’s default partitioner (murmur2) sends a key to', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const metadata = [0, 1, 2].map((partitionId) => ({
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
      partitionErrorCode: 0,
    }));
    const keys = Array.from({ length: 50 }, (_, index) => `message-${index}`);

    expect(keys.map((key) => keyPartition(key, 3))).toEqual(
      keys.map((key) =>
        partitioner({ topic: 't', partitionMetadata: metadata, message: { key, value: null } }),
      ),
    );
    expect(new Set(keys.map((key) => keyPartition(key, 3)))).toEqual(new Set([0, 1, 2]));
  });

  it('sends a record without a key to partition 0, and needs a partition to exist', () => {
    expect(keyPartition(null, 3)).toBe(0);
    expect(() => keyPartition('k', 0)).toThrow(/at least one partition/);
  });
});
