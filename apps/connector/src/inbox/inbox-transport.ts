import type { KeyPseudonym } from '@samenloop/messaging';
import { TransactionalKafkaServer } from '@samenloop/messaging/nest';
import type { Logger } from '@samenloop/observability';
import { partnerRecordKey, type PartnerKeys } from '@samenloop/partner-side';
import type { Kafka } from 'kafkajs';
import type { ConnectorSettings } from '../config/connector-settings';
import type { InboxIntake } from './inbox-intake';
import { HUB_DOCUMENT_PATTERN } from './inbox-records.controller';
import { connectorClientId } from '../kafka/connector-kafka';
import type { KafkaInbox } from './kafka-inbox';

/**
 * One connector per partner and no standby: a restarted connector should take its partitions back
 * soon after a crash, not after kafkajs's default 30 s (the broker's minimum is 6 s).
 */
const SESSION_TIMEOUT_MS = 10_000;
/** Dead letters keep an original up to this size, else its size and hash. */
const MAX_DEAD_LETTER_ORIGINAL_BYTES = 1024 * 1024;

/** The receive pipeline's consumer group on the partner's delivery topic, under the partner's prefix. */
export function inboxConsumerGroup(
  settings: Pick<ConnectorSettings, 'partnerId' | 'topicNamespace'>,
): string {
  return connectorClientId(settings, 'receive');
}

export interface InboxTransportParts {
  readonly settings: ConnectorSettings;
  readonly kafka: Kafka;
  readonly keys: PartnerKeys;
  readonly logger: Logger;
  readonly inbox: KafkaInbox;
  readonly intake: InboxIntake;
}

/**
 * The receive pipeline as a Nest transport: delivery-topic records into the inbox topic, with
 * their offsets, in one transaction per chunk — a killed connector neither loses nor repeats a
 * document. The inbox is read back after the producer fenced its predecessor and before consuming.
 */
export function inboxTransport(parts: InboxTransportParts): TransactionalKafkaServer {
  const { settings, kafka, keys, logger, inbox, intake } = parts;
  const topics = settings.topics.connector(settings.partnerId);
  const groupId = inboxConsumerGroup(settings);
  // The hub keys its delivery records by ids, yet a dead letter names nothing it need not.
  const deadLetterKey: KeyPseudonym = (key) =>
    partnerRecordKey(keys.privateArmored, key.toString('base64'));
  return new TransactionalKafkaServer({
    patterns: { [HUB_DOCUMENT_PATTERN]: [settings.topics.delivery(settings.partnerId)] },
    pipeline: {
      kafka,
      logger,
      groupId,
      transactionalId: `${groupId}.transactions`,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      deadLetterTopic: topics.deadLetter,
      maxDeadLetterOriginalBytes: MAX_DEAD_LETTER_ORIGINAL_BYTES,
      deadLetterKey,
      chunkState: intake,
      beforeConsuming: () => inbox.catchUp(),
    },
  });
}
