import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import { StartupError } from '@samenloop/errors';

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions?: number;
  /** The topic's configuration overrides: all of them, for the topics the hub owns (see below). */
  readonly configEntries?: readonly { name: string; value: string }[];
}

/** The broker refused the configuration the hub needs on its topics: sizes and retention. */
export class TopicConfigurationError extends StartupError {
  constructor(topics: readonly string[], cause: unknown) {
    super(
      `Cannot set the configuration of ${topics.join(', ')}`,
      [cause instanceof Error ? cause.message : String(cause)],
      {
        hint:
          'The gateway does not run on topics that accept larger records, or keep them longer or shorter, than configured; ' +
          'grant it AlterConfigs on them (or create and configure them as hubTopics lists).',
        cause,
      },
    );
  }
}

/**
 * Creates the topics that do not exist yet and waits for their leaders, and puts back the
 * configuration of those that drifted (e.g. someone raised an inbound topic's max.message.bytes
 * past the gateway's limit). Topics are never left to broker auto-creation: on KRaft, kafkajs
 * subscribing to a missing topic fails instead.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.numPartitions ?? 3,
          replicationFactor: -1,
          configEntries: spec.configEntries ? [...spec.configEntries] : undefined,
        })),
      });
      await leadersOf(
        admin,
        missing.map((spec) => spec.topic),
      );
    }
    const configured = topics.filter(
      (spec) => existing.has(spec.topic) && (spec.configEntries?.length ?? 0) > 0,
    );
    if (configured.length === 0) return;
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: configured.map((spec) => ({
        type: ConfigResourceTypes.TOPIC,
        name: spec.topic,
        configNames: spec.configEntries!.map((entry) => entry.name),
      })),
    });
    const drifted = configured.filter((spec) => {
      const current = resources.find((resource) => resource.resourceName === spec.topic);
      return spec.configEntries!.some(
        (entry) =>
          current?.configEntries.find((found) => found.configName === entry.name)?.configValue !==
          entry.value,
      );
    });
    if (drifted.length === 0) return;
    // AlterConfigs replaces a topic's whole set of overrides (kafkajs has no incremental form):
    // the spec therefore lists every override the hub wants on a topic it owns.
    await admin
      .alterConfigs({
        validateOnly: false,
        resources: drifted.map((spec) => ({
          type: ConfigResourceTypes.TOPIC,
          name: spec.topic,
          configEntries: [...spec.configEntries!],
        })),
      })
      .catch((error: unknown) => {
        throw new TopicConfigurationError(
          drifted.map((spec) => spec.topic),
          error,
        );
      });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every partition of `topics` has a leader. kafkajs's own wait gives up when a busy
 * broker still answers UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created; that answer
 * only means "not yet" here.
 */
async function leadersOf(admin: Admin, topics: readonly string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (found.every((topic) => topic.partitions.every((partition) => partition.leader >= 0)))
        return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`no leader for ${topics.join(', ')} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
