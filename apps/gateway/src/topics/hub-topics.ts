import type { TopicNames, TopicSpec } from '@samenloop/messaging';
import type { Partner } from '@samenloop/partners';
import type { TopicRetention } from '../config/gateway-config';

/** What a consumer fetches per partition by default (kafkajs maxBytesPerPartition): one chunk at most. */
const FETCH_BYTES = 1024 * 1024;

/** Ticks are worthless once read: six hours covers any restart. */
const CLOCK_RETENTION_MS = 6 * 60 * 60 * 1000;

/**
 * Every topic the gateway reads or writes, with the configuration it owns — all of it, since the
 * broker replaces a topic's overrides as a whole when they drifted.
 *
 * Sizes: the inbound topics take no record larger than the gateway's limit, so a partner's client
 * refuses it at once instead of the hub dead-lettering it later. What the hub writes goes out one
 * record batch per partition per chunk (a fetched batch of at most max(limit, fetch size)): those
 * topics take several chunks' worth, so no transaction fails on the size of its own output.
 *
 * Retention by purpose: submissions only until routed (and a margin for a gateway outage),
 * deliveries long enough for a partner's outage, the audit for the legal term of traffic data,
 * dead letters long enough to act on; parked messages until the operator releases them (no time
 * limit), and the compacted state (case threads, deliveries waiting for a key) until superseded.
 */
export function hubTopics(
  topics: TopicNames,
  partners: readonly Partner[],
  maxMessageBytes: number,
  retention: TopicRetention,
): TopicSpec[] {
  const outboundLimit = {
    name: 'max.message.bytes',
    value: String(4 * Math.max(maxMessageBytes, FETCH_BYTES)),
  };
  const kept = (ms: number) => ({ name: 'retention.ms', value: String(ms) });
  const compacted = [{ name: 'cleanup.policy', value: 'compact' }, outboundLimit];
  return [
    ...partners.flatMap((partner) => [
      {
        topic: topics.inbound(partner.id),
        configEntries: [
          { name: 'max.message.bytes', value: String(maxMessageBytes) },
          kept(retention.inboundMs),
        ],
      },
      {
        topic: topics.delivery(partner.id),
        configEntries: [outboundLimit, kept(retention.deliveriesMs)],
      },
    ]),
    { topic: topics.audit, configEntries: [outboundLimit, kept(retention.auditMs)] },
    { topic: topics.deadLetter, configEntries: [outboundLimit, kept(retention.deadLettersMs)] },
    { topic: topics.parked, configEntries: [outboundLimit, kept(-1)] },
    // One partition: ticks are read in order.
    { topic: topics.clock, numPartitions: 1, configEntries: [kept(CLOCK_RETENTION_MS)] },
    // One partition: the hub's events reach the audit in the order they happened.
    { topic: topics.hubEvents, numPartitions: 1, configEntries: [kept(retention.inboundMs)] },
    // One partition, never written: the instance assigned it in the lease group is the active one.
    { topic: topics.lease, numPartitions: 1, configEntries: [] },
    // One partition and compaction: the latest state per key, read back in one ordered pass.
    ...[topics.caseState, topics.waitingDeliveries].map((topic) => ({
      topic,
      numPartitions: 1,
      configEntries: compacted,
    })),
  ];
}
