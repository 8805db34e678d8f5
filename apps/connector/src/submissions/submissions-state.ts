import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { partitionOffsets, readPartitions } from '@samenloop/messaging';
import type { ConnectorSettings } from '../config/connector-settings';
import { connectorClientId } from '../kafka/connector-kafka';
import { CONNECTOR_KAFKA, CONNECTOR_SETTINGS } from '../connector.tokens';
import { SubmittedMessages, type SubmittedMessage } from './submitted-messages';

/** A record of the submissions topic: ids and HMACs only, nothing the case system wrote. */
export interface SubmissionRecord extends SubmittedMessage {
  /** HMAC of the request body (`IdempotencyFingerprints.requestHash`). */
  readonly requestHash: string;
}

const RESTORE_TIMEOUT_MS = 60_000;

/**
 * The submissions this connector made, by message id and by Idempotency-Key HMAC: read back from
 * its compacted submissions topic at start-up, then kept up to date as it submits.
 */
@Injectable()
export class SubmissionsState extends SubmittedMessages {
  private readonly logger = new Logger(SubmissionsState.name);
  private readonly byKey = new Map<string, SubmissionRecord>();
  private readonly byMessageId = new Map<string, SubmissionRecord>();

  constructor(
    @Inject(CONNECTOR_SETTINGS) private readonly settings: ConnectorSettings,
    @Inject(CONNECTOR_KAFKA) private readonly kafka: Kafka,
  ) {
    super();
  }

  find(messageId: string): SubmittedMessage | undefined {
    const found = this.byMessageId.get(messageId);
    return (
      found && { messageId: found.messageId, type: found.type, submittedAt: found.submittedAt }
    );
  }

  byIdempotencyKey(key: string): SubmissionRecord | undefined {
    return this.byKey.get(key);
  }

  /** After the record is committed on the topic. */
  remember(key: string, record: SubmissionRecord): void {
    this.byKey.set(key, record);
    this.byMessageId.set(record.messageId, record);
  }

  /**
   * Reads the topic to its end, committed records only. Call after the submission producer has
   * connected: its transactional id aborts what a crashed predecessor left open, which would
   * otherwise hold the read back until the transaction times out.
   */
  async restore(): Promise<void> {
    const topic = this.settings.topics.connector(this.settings.partnerId).submissions;
    const ranges = (await partitionOffsets(this.kafka, topic)).map(({ partition, low, high }) => ({
      partition,
      from: low,
      to: high,
    }));
    await readPartitions(this.kafka, {
      topic,
      ranges,
      timeoutMs: RESTORE_TIMEOUT_MS,
      groupId: connectorClientId(this.settings, `restore-${Date.now()}`),
      each: (_partition, message) => {
        const key = message.key?.toString();
        if (key === undefined || message.value === null) return;
        this.remember(key, JSON.parse(message.value.toString()) as SubmissionRecord);
      },
    });
    this.logger.log({ topic, submissions: this.byKey.size }, 'submissions restored');
  }
}
