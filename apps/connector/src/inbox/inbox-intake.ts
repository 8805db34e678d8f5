import { Inject, Injectable } from '@nestjs/common';
import type { ChunkState, InboundRecord, OutboundRecord } from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import { openHubDocument, REFUSAL_EXPLANATIONS, type PartnerKeys } from '@samenloop/partner-side';
import type { ConnectorSettings } from '../config/connector-settings';
import { CONNECTOR_LOGGER, CONNECTOR_SETTINGS, PARTNER_KEYS } from '../connector.tokens';
import { HubDocumentRefusedError } from './hub-document-refused.error';
import { inboxRecord } from './inbox-record';
import { KafkaInbox } from './kafka-inbox';

/**
 * What the receive pipeline does with a record of the partner's delivery topic: a hub document
 * not yet in the inbox goes there, sealed as it came; a copy of one is skipped; anything that
 * does not open is dead-lettered. As the pipeline's chunk state it remembers the documents of the
 * chunk in flight, so a copy within one chunk, or one just committed, is skipped too.
 */
@Injectable()
export class InboxIntake implements ChunkState {
  private readonly inboxTopic: string;
  private readonly logger: Logger;
  /** Written in the chunk in flight: known once its transaction commits, forgotten if it aborts. */
  private pending = new Set<string>();
  /** Committed by this pipeline, perhaps not yet read back by the inbox. */
  private readonly committedIds = new Set<string>();

  constructor(
    @Inject(CONNECTOR_SETTINGS) settings: ConnectorSettings,
    @Inject(PARTNER_KEYS) private readonly keys: PartnerKeys,
    @Inject(CONNECTOR_LOGGER) logger: Logger,
    private readonly inbox: KafkaInbox,
  ) {
    this.inboxTopic = settings.topics.connector(settings.partnerId).inbox;
    this.logger = logger.child({ component: 'inbox-intake' });
  }

  async receive(record: InboundRecord): Promise<readonly OutboundRecord[]> {
    const opened = await openHubDocument(record, this.keys);
    if ('refused' in opened) throw new HubDocumentRefusedError(opened.refused);
    if (this.known(opened.id)) {
      this.logger.info(
        {
          documentId: opened.id,
          partition: record.partition,
          offset: record.offset,
          reason: REFUSAL_EXPLANATIONS['already-received'],
        },
        'copy of a received hub document skipped',
      );
      return [];
    }
    this.pending.add(opened.id);
    return [inboxRecord(this.inboxTopic, record.value!, opened)];
  }

  pendingRecords(): readonly OutboundRecord[] {
    return [];
  }

  committed(): void {
    for (const id of this.pending) this.committedIds.add(id);
    this.pending = new Set();
  }

  aborted(): void {
    this.pending = new Set();
  }

  private known(documentId: string): boolean {
    return (
      this.pending.has(documentId) ||
      this.committedIds.has(documentId) ||
      this.inbox.has(documentId)
    );
  }
}
