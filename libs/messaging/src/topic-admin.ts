import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions?: number;
  readonly configEntries?: readonly { name: string; value: string }[];
}

/**
 * Creates the topics that do not exist yet and waits for their leaders. Topics are never left to
 * broker auto-creation: on KRaft, kafkajs subscribing to a missing topic fails instead.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.numPartitions ?? 3,
        replicationFactor: -1,
        configEntries: spec.configEntries ? [...spec.configEntries] : undefined,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
