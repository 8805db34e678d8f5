import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ConnectorTopicNames } from '@samenloop/messaging';
import { connectorClientId } from '../kafka/connector-kafka';
import type { Logger } from '@samenloop/observability';
import { openHubDocument, type PartnerKeys } from '@samenloop/partner-side';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { ConnectorSettings } from '../config/connector-settings';
import {
  CONNECTOR_KAFKA,
  CONNECTOR_LOGGER,
  CONNECTOR_SETTINGS,
  PARTNER_KEYS,
} from '../connector.tokens';
import {
  acknowledgedDocumentId,
  acknowledgementMessage,
  type AcknowledgedBy,
} from './acknowledgement-record';
import { Inbox, type Acknowledgement, type InboxEntry } from './inbox';
import { cursorOffset, inboxCursor } from './inbox-cursor';
import { sealedInboxEntry, type SealedInboxEntry } from './inbox-record';
import { MessageAnswers, type MessageAnswer } from './message-answers';
import { TopicTail } from './topic-tail';

/** Reading the inbox back at start-up waits at most this long for a transaction still open. */
const READ_BACK_TIMEOUT_MS = 120_000;

/**
 * The inbox as the connector's inbox and acknowledgements topics hold it: read back at start-up,
 * then followed (read_committed), so it shows exactly the entries the receive pipeline committed.
 * Entries stay sealed in memory; a document is opened each time it is asked for.
 */
@Injectable()
export class KafkaInbox extends Inbox implements MessageAnswers, OnApplicationShutdown {
  private readonly topics: ConnectorTopicNames;
  private readonly logger: Logger;
  private readonly entries: SealedInboxEntry[] = [];
  private readonly byId = new Map<string, SealedInboxEntry>();
  private readonly answersByMessage = new Map<string, SealedInboxEntry[]>();
  private readonly acknowledged = new Set<string>();
  private readonly acknowledging = new Map<string, Promise<void>>();
  private readonly listeners = new Set<() => void>();
  private readonly tail: TopicTail;
  private appendedSinceBatch = false;
  private markReadBack!: () => void;
  private readonly readBack = new Promise<void>((resolve) => (this.markReadBack = resolve));
  private producer: Promise<Producer> | undefined;

  constructor(
    @Inject(CONNECTOR_SETTINGS) settings: ConnectorSettings,
    @Inject(CONNECTOR_KAFKA) private readonly kafka: Kafka,
    @Inject(PARTNER_KEYS) private readonly keys: PartnerKeys,
    @Inject(CONNECTOR_LOGGER) logger: Logger,
  ) {
    super();
    this.topics = settings.topics.connector(settings.partnerId);
    this.logger = logger.child({ component: 'inbox' });
    this.tail = new TopicTail({
      kafka,
      logger: this.logger,
      topics: [this.topics.inbox, this.topics.acknowledgements],
      groupPrefix: `${connectorClientId(settings, 'inbox-reader')}.`,
      each: (topic, message) => this.read(topic, message),
      batchRead: () => this.batchRead(),
    });
  }

  /**
   * Reads in what the topics hold now. The receive pipeline runs it before it consumes (after its
   * producer fenced a predecessor's open transaction), so a copy of any committed document is known.
   */
  async catchUp(): Promise<void> {
    await this.tail.readThrough(READ_BACK_TIMEOUT_MS);
    this.markReadBack();
  }

  /** Whether a document is in the inbox as far as committed records show. */
  has(documentId: string): boolean {
    return this.byId.has(documentId);
  }

  async after(
    cursor: string | undefined,
    limit: number,
  ): Promise<{ readonly entries: readonly InboxEntry[]; readonly next: string | undefined }> {
    await this.readBack;
    const start = this.indexAfter(cursor);
    const page = this.entries.slice(start, start + limit);
    const entries = await Promise.all(page.map((entry) => this.opened(entry)));
    return { entries, next: entries.at(-1)?.cursor ?? cursor };
  }

  async acknowledge(id: string, by: AcknowledgedBy): Promise<Acknowledgement> {
    await this.readBack;
    if (!this.byId.has(id)) return 'unknown';
    if (this.acknowledged.has(id)) return 'already-acknowledged';
    const inFlight = this.acknowledging.get(id);
    if (inFlight) {
      await inFlight;
      return 'already-acknowledged';
    }
    const writing = this.writeAcknowledgement(id, by).finally(() => this.acknowledging.delete(id));
    this.acknowledging.set(id, writing);
    await writing;
    return 'acknowledged';
  }

  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async answerTo(messageId: string): Promise<MessageAnswer | undefined> {
    await this.readBack;
    const answers = this.answersByMessage.get(messageId) ?? [];
    const answer = answers.find((entry) => entry.type === 'receipt') ?? answers.at(-1);
    if (!answer || answer.type === 'delivery') return undefined;
    const { document } = await this.opened(answer);
    return { type: answer.type, document };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tail.stop();
    await (await this.producer)?.disconnect();
  }

  private read(topic: string, message: KafkaMessage): void {
    if (topic === this.topics.acknowledgements) {
      const documentId = acknowledgedDocumentId(message);
      if (documentId !== undefined) this.acknowledged.add(documentId);
      return;
    }
    const entry = sealedInboxEntry(message);
    if (!entry) {
      this.logger.warn(
        { offset: message.offset },
        'inbox record without document id or type skipped',
      );
      return;
    }
    // The pipeline writes each document once; a second writer's copy is still not shown twice.
    if (this.byId.has(entry.id)) return;
    this.entries.push(entry);
    this.byId.set(entry.id, entry);
    if (entry.answers !== undefined)
      this.answersByMessage.set(entry.answers, [
        ...(this.answersByMessage.get(entry.answers) ?? []),
        entry,
      ]);
    this.appendedSinceBatch = true;
  }

  private batchRead(): void {
    if (!this.appendedSinceBatch) return;
    this.appendedSinceBatch = false;
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error(
          { errorClass: error instanceof Error ? error.name : 'Unknown' },
          'inbox listener failed',
        );
      }
    }
  }

  /** Entries are in offset order: the first one past the cursor. */
  private indexAfter(cursor: string | undefined): number {
    if (cursor === undefined) return 0;
    const offset = cursorOffset(cursor);
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle]!.offset <= offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private async opened(entry: SealedInboxEntry): Promise<InboxEntry> {
    const opened = await openHubDocument(entry, this.keys);
    // It opened when it was received: the partner's key was replaced since, or the topic altered.
    if ('refused' in opened)
      throw new Error(
        `inbox entry ${entry.id} at offset ${entry.offset} no longer opens (${opened.refused})`,
      );
    return {
      id: entry.id,
      type: entry.type,
      cursor: inboxCursor(entry.offset),
      acknowledged: this.acknowledged.has(entry.id),
      document: opened.document,
    };
  }

  private async writeAcknowledgement(documentId: string, by: AcknowledgedBy): Promise<void> {
    const producer = await this.acknowledgementProducer();
    await producer.send({
      topic: this.topics.acknowledgements,
      acks: -1,
      messages: [acknowledgementMessage({ documentId, at: new Date().toISOString(), by })],
    });
    this.acknowledged.add(documentId);
  }

  private acknowledgementProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }
}
