import type { ConnectorTopicNames, TopicSpec } from '@samenloop/messaging';

/**
 * The hub writes delivery records up to 4× its record limit (at least 4 MiB), and the inbox keeps
 * each one as it came, sent one chunk per batch: room for several of the largest.
 */
const INBOX_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * The connector's receiving topics, with every override it owns (the broker replaces a topic's
 * overrides as a whole). One partition each: the inbox offset is the one order the cursor names,
 * and acknowledgements are read back in one pass. The inbox is the connector's state — kept until
 * deleted; acknowledgements keep the latest per document; dead letters as long as the broker's default.
 */
export function inboxTopics(topics: ConnectorTopicNames): TopicSpec[] {
  return [
    {
      topic: topics.inbox,
      numPartitions: 1,
      configEntries: [
        { name: 'retention.ms', value: '-1' },
        { name: 'max.message.bytes', value: String(INBOX_MAX_MESSAGE_BYTES) },
      ],
    },
    {
      topic: topics.acknowledgements,
      numPartitions: 1,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
    {
      topic: topics.deadLetter,
      numPartitions: 1,
      configEntries: [{ name: 'max.message.bytes', value: String(INBOX_MAX_MESSAGE_BYTES) }],
    },
  ];
}
