import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { ConnectorSettings } from '../config/connector-settings';
import { readConnectorStateTopic } from '../kafka/connector-state-topic';
import { CONNECTOR_KAFKA, CONNECTOR_SETTINGS } from '../connector.tokens';
import { SubmittedMessages, type SubmittedMessage } from './submitted-messages';

/** A record of the submissions topic: ids and HMACs only, nothing the case system wrote. */
export interface SubmissionRecord extends SubmittedMessage {
  /** HMAC of the request body (`IdempotencyFingerprints.requestHash`). */
  readonly requestHash: string;
}

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

  /** Reads the topic to its end (`readConnectorStateTopic`: after the submission producer connected). */
  async restore(): Promise<void> {
    const topic = this.settings.topics.connector(this.settings.partnerId).submissions;
    await readConnectorStateTopic(this.kafka, this.settings, topic, (key, value) =>
      this.remember(key, JSON.parse(value) as SubmissionRecord),
    );
    this.logger.log({ topic, submissions: this.byKey.size }, 'submissions restored');
  }
}
