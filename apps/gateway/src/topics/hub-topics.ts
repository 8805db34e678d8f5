import type { TopicNames, TopicSpec } from '@samenloop/messaging';
import type { Partner } from '@samenloop/partners';

/** What a consumer fetches per partition by default (kafkajs maxBytesPerPartition): one chunk at most. */
const FETCH_BYTES = 1024 * 1024;

/**
 * Every topic the gateway reads or writes, with the configuration it owns. The inbound topics take
 * no record larger than the gateway's limit, so a partner's client refuses it at once instead of
 * the hub dead-lettering it later. What the hub writes goes out one record batch per partition per
 * chunk (a fetched batch of at most max(limit, fetch size)): those topics take several chunks' worth,
 * so no transaction fails on the size of its own output and stalls a partition.
 */
export function hubTopics(
  topics: TopicNames,
  partners: readonly Partner[],
  maxMessageBytes: number,
): TopicSpec[] {
  const inboundLimit = [{ name: 'max.message.bytes', value: String(maxMessageBytes) }];
  const outboundLimit = [
    { name: 'max.message.bytes', value: String(4 * Math.max(maxMessageBytes, FETCH_BYTES)) },
  ];
  return [
    ...partners.flatMap((partner) => [
      { topic: topics.inbound(partner.id), configEntries: inboundLimit },
      { topic: topics.delivery(partner.id), configEntries: outboundLimit },
    ]),
    { topic: topics.audit, configEntries: outboundLimit },
    { topic: topics.deadLetter, configEntries: outboundLimit },
    { topic: topics.parked, configEntries: outboundLimit },
    // One partition: ticks are read in order. Old ticks are worthless, so they expire quickly.
    {
      topic: topics.clock,
      numPartitions: 1,
      configEntries: [{ name: 'retention.ms', value: String(6 * 60 * 60 * 1000) }],
    },
    // One partition and compaction: the latest state per key, read back in one ordered pass.
    ...[topics.caseState, topics.waitingDeliveries].map((topic) => ({
      topic,
      numPartitions: 1,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }, ...outboundLimit],
    })),
  ];
}
