import type { Kafka } from 'kafkajs';
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

/** One partition each: the connector is one process, and its inbox cursor is one offset. */
export function connectorTopicSpecs(
  settings: Pick<ConnectorSettings, 'partnerId' | 'topics'>,
): TopicSpec[] {
  const topics = settings.topics.connector(settings.partnerId);
  const compacted = [{ name: 'cleanup.policy', value: 'compact' }];
  return [
    { topic: topics.submissions, numPartitions: 1, configEntries: compacted },
    { topic: topics.inbox, numPartitions: 1 },
    { topic: topics.acknowledgements, numPartitions: 1, configEntries: compacted },
    { topic: topics.deadLetter, numPartitions: 1 },
  ];
}

/** The partner's Kafka login, with the connector's four topics created if missing. */
export async function connectorKafka(settings: ConnectorSettings, logger: Logger): Promise<Kafka> {
  const kafka = createKafka(
    {
      brokers: settings.brokers,
      clientId: `samenloop-connector-${settings.partnerId.toLowerCase()}`,
      connection: settings.connection,
    },
    logger,
  );
  await ensureTopics(kafka, connectorTopicSpecs(settings));
  return kafka;
}
