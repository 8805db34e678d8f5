import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { partnerRecordKey, type PartnerKeys } from '@samenloop/partner-side';
import type { ConnectorSettings } from '../config/connector-settings';
import { CONNECTOR_KAFKA, CONNECTOR_SETTINGS, PARTNER_KEYS } from '../connector.tokens';
import { readConnectorStateTopic } from '../kafka/connector-state-topic';
import type { StateRecord } from '../submissions/submission.producer';

/** What the connector last sent for a ZSM case: HMACs and ids only. */
export interface SentRow {
  /** HMAC of the row's canonical submission body. */
  readonly rowHash: string;
  readonly messageId: string;
  readonly sentAt: string;
}

/**
 * The extract rows sent, per ZSM case, on the compacted `extract-rows` topic: keyed by an HMAC of
 * the zsmZaakId (a record key is never encrypted, and a case id names a case). Each record is
 * written in the transaction of the submission it describes, so topic and memory never disagree.
 */
@Injectable()
export class ZsmExtractMemory implements OnApplicationBootstrap {
  private readonly logger = new Logger(ZsmExtractMemory.name);
  private readonly sent = new Map<string, SentRow>();
  private readonly topic: string;
  private restored: Promise<void> | undefined;

  constructor(
    @Inject(CONNECTOR_SETTINGS) private readonly settings: ConnectorSettings,
    @Inject(CONNECTOR_KAFKA) private readonly kafka: Kafka,
    @Inject(PARTNER_KEYS) private readonly keys: PartnerKeys,
  ) {
    this.topic = settings.topics.connector(settings.partnerId).extractRows;
  }

  /**
   * Starts the read-back without holding up start-up: it waits for the submission producer to
   * abort what a crashed predecessor left open, which happens in another module's bootstrap.
   */
  onApplicationBootstrap(): void {
    this.ready().catch((error: unknown) =>
      this.logger.warn(
        { topic: this.topic, error: String(error) },
        'extract rows not restored yet',
      ),
    );
  }

  /** Resolves once the topic was read to its end; a failed read is tried again on the next call. */
  ready(): Promise<void> {
    this.restored ??= this.restore().catch((error: unknown) => {
      this.restored = undefined;
      throw error;
    });
    return this.restored;
  }

  recall(zsmZaakId: string): SentRow | undefined {
    return this.sent.get(this.keyOf(zsmZaakId));
  }

  /** The record to commit with the submission; `remember` it once that committed. */
  record(zsmZaakId: string, row: SentRow): StateRecord {
    return { topic: this.topic, key: this.keyOf(zsmZaakId), value: JSON.stringify(row) };
  }

  remember(record: StateRecord): void {
    this.sent.set(record.key, JSON.parse(record.value) as SentRow);
  }

  private async restore(): Promise<void> {
    await readConnectorStateTopic(this.kafka, this.settings, this.topic, (key, value) =>
      this.remember({ topic: this.topic, key, value }),
    );
    this.logger.log({ topic: this.topic, cases: this.sent.size }, 'extract rows restored');
  }

  private keyOf(zsmZaakId: string): string {
    return partnerRecordKey(this.keys.privateArmored, zsmZaakId);
  }
}
