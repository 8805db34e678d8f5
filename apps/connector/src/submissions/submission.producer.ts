import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka, Message, Producer } from 'kafkajs';
import { BACK_TO_BACK_TRANSACTIONS_RETRY } from '@samenloop/messaging';
import type { ConnectorSettings } from '../config/connector-settings';
import { CONNECTOR_KAFKA, CONNECTOR_SETTINGS } from '../connector.tokens';
import { connectorClientId } from '../kafka/connector-kafka';

/** A record of one of the connector's own state topics (ids and HMACs only, never a value in clear). */
export interface StateRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
}

/** A sealed submission, its record on the submissions topic, and state records that go with it. */
export interface ProducedSubmission {
  readonly submission: Message;
  readonly submissionRecord: Message;
  readonly alongside: readonly StateRecord[];
}

/**
 * Writes a submission to the partner's inbound topic and its record to the submissions topic in
 * one transaction: a crash leaves both or neither, so a retry never submits twice. One
 * transactional id per connector: a restarted connector fences a zombie predecessor.
 */
@Injectable()
export class SubmissionProducer implements OnModuleDestroy {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(
    @Inject(CONNECTOR_SETTINGS) private readonly settings: ConnectorSettings,
    @Inject(CONNECTOR_KAFKA) kafka: Kafka,
  ) {
    this.producer = kafka.producer({
      transactionalId: connectorClientId(settings, 'submissions'),
      idempotent: true,
      maxInFlightRequests: 1,
      // A file adapter submits row after row, each in a transaction of its own.
      retry: BACK_TO_BACK_TRANSACTIONS_RETRY,
    });
  }

  /** Initialises the transactional id, aborting a transaction a crashed predecessor left open. */
  connect(): Promise<void> {
    this.connected ??= this.producer.connect();
    return this.connected;
  }

  /**
   * One transaction for the batch, each submission with its record and `alongside` records of the
   * connector's own state; the caller runs one transaction at a time per producer.
   */
  async produce(batch: readonly ProducedSubmission[]): Promise<void> {
    await this.connect();
    const topics = this.settings.topics;
    const transaction = await this.producer.transaction();
    try {
      await transaction.sendBatch({
        acks: -1,
        topicMessages: [
          {
            topic: topics.inbound(this.settings.partnerId),
            messages: batch.map(({ submission }) => submission),
          },
          {
            topic: topics.connector(this.settings.partnerId).submissions,
            messages: batch.map(({ submissionRecord }) => submissionRecord),
          },
          ...batch.flatMap(({ alongside }) =>
            alongside.map(({ topic, key, value }) => ({ topic, messages: [{ key, value }] })),
          ),
        ],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}
