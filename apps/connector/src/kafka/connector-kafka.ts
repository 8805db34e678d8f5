import type { Kafka } from 'kafkajs';
import { StartupError } from '@samenloop/errors';
import {
  createKafka,
  ensureTopics,
  partnerClientPrefix,
  type TopicSpec,
} from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { ConnectorSettings } from '../config/connector-settings';

/**
 * A client id of this connector (transactional id, consumer group) under the partner's prefix,
 * which its ACLs grant, and its namespace, so two environments on one cluster never fence each other.
 */
export function connectorClientId(
  settings: Pick<ConnectorSettings, 'partnerId' | 'topicNamespace'>,
  role: string,
): string {
  const namespace = settings.topicNamespace === '' ? '' : `${settings.topicNamespace}.`;
  return `${partnerClientPrefix(settings.partnerId)}${namespace}connector.${role}`;
}

/**
 * The hub writes delivery records up to 4× its record limit (at least 4 MiB), and the inbox keeps
 * each one as it came: room for several of the largest.
 */
const INBOX_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * The connector's topics, with every override it owns (the broker replaces a topic's overrides as
 * a whole). One partition each: the connector is one process, and its inbox cursor is one offset.
 * The inbox is the connector's state, kept until deleted; submissions, acknowledgements and extract
 * rows keep the latest per key; dead letters as long as the broker's default.
 */
export function connectorTopicSpecs(
  settings: Pick<ConnectorSettings, 'partnerId' | 'topics'>,
): TopicSpec[] {
  const topics = settings.topics.connector(settings.partnerId);
  const compacted = [{ name: 'cleanup.policy', value: 'compact' }];
  const largeRecords = { name: 'max.message.bytes', value: String(INBOX_MAX_MESSAGE_BYTES) };
  return [
    { topic: topics.submissions, numPartitions: 1, configEntries: compacted },
    {
      topic: topics.inbox,
      numPartitions: 1,
      configEntries: [{ name: 'retention.ms', value: '-1' }, largeRecords],
    },
    { topic: topics.acknowledgements, numPartitions: 1, configEntries: compacted },
    { topic: topics.deadLetter, numPartitions: 1, configEntries: [largeRecords] },
    { topic: topics.extractRows, numPartitions: 1, configEntries: compacted },
  ];
}

/** The partner's Kafka login, with the connector's topics created if missing. */
export async function connectorKafka(settings: ConnectorSettings, logger: Logger): Promise<Kafka> {
  const kafka = createKafka(
    {
      brokers: settings.brokers,
      clientId: `samenloop-connector-${settings.partnerId.toLowerCase()}`,
      connection: settings.connection,
    },
    logger,
  );
  try {
    await ensureTopics(kafka, connectorTopicSpecs(settings));
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw new ConnectorTopicsError(settings, error);
  }
  return kafka;
}

/** The broker did not answer, or refused the partner what its connector needs. */
export class ConnectorTopicsError extends StartupError {
  constructor(settings: Pick<ConnectorSettings, 'brokers' | 'partnerId'>, cause: unknown) {
    super(
      `Cannot set up the connector's topics on ${settings.brokers.join(', ')} as ${settings.partnerId}`,
      [cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)],
      {
        hint: "Check KAFKA_BROKERS and the KAFKA_* login; on a secure cluster `samenloop acl apply` grants the partner its connector's topics.",
        cause,
      },
    );
  }
}
