import { partnerClientPrefix } from '@samenloop/messaging';
import type { Consumer, Kafka } from 'kafkajs';
import { hubDocumentTypeOf, type HubDocumentType } from '@samenloop/contracts';
import type { GatewayScenario } from './gateway-scenario';
import { toConsumedRecord, uniqueName } from './kafka-test-kit';
import { waitFor } from './wait-for';

/** A hub document as a partner decrypts it: delivery, receipt or rejection. */
export interface HubDocument {
  /** From the record's `ce_type` header; undefined when it names no hub document. */
  readonly type: HubDocumentType | undefined;
  readonly document: Record<string, unknown> & {
    messageType?: string;
    payload?: Record<string, unknown>;
    caseThread?: { caseKey: string; fase: string; relatedDeliveries: string[] };
  };
}

/**
 * Reads every partner's delivery topic for the length of a test, decrypting as the partner would,
 * so a test can wait for what a partner received instead of counting records per topic.
 */
/** Each partner's own client: on the secure broker a partner reads its own deliveries only. */
export type PartnerKafka = (partnerId: string) => Kafka;

export class DeliveryWatcher {
  private readonly received = new Map<string, HubDocument[]>();
  private readonly consumers: Consumer[] = [];

  private constructor(private readonly scenario: GatewayScenario) {}

  /**
   * One consumer for every partner's delivery topic, or with `PartnerKafka` one per partner, in
   * a group under the partner's own prefix, as the partner's system would read.
   */
  static async start(
    kafka: Kafka | PartnerKafka,
    scenario: GatewayScenario,
    partnerIds: readonly string[],
  ): Promise<DeliveryWatcher> {
    const watcher = new DeliveryWatcher(scenario);
    if (typeof kafka === 'function')
      for (const partnerId of partnerIds)
        await watcher.read(
          kafka(partnerId),
          `${partnerClientPrefix(partnerId)}${uniqueName('test-watcher')}`,
          [partnerId],
        );
    else await watcher.read(kafka, uniqueName('test-watcher'), partnerIds);
    return watcher;
  }

  private async read(kafka: Kafka, groupId: string, partnerIds: readonly string[]): Promise<void> {
    const byTopic = new Map(partnerIds.map((id) => [this.scenario.topics.delivery(id), id]));
    const consumer = kafka.consumer({ groupId, readUncommitted: false });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...byTopic.keys()], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const partnerId = byTopic.get(topic)!;
        const document = await this.scenario.partners.open<HubDocument['document']>(
          toConsumedRecord(topic, partition, message),
          partnerId,
        );
        const list = this.received.get(partnerId) ?? [];
        list.push({ type: hubDocumentTypeOf(message.headers), document });
        this.received.set(partnerId, list);
      },
    });
  }

  /** The deliveries of one message type a partner received so far. */
  deliveries(partnerId: string, messageType: string): HubDocument['document'][] {
    return (this.received.get(partnerId) ?? [])
      .filter(
        (entry) =>
          entry.type === 'delivery' && entry.document.messageType === `nl.samenloop.${messageType}`,
      )
      .map((entry) => entry.document);
  }

  all(partnerId: string): readonly HubDocument[] {
    return this.received.get(partnerId) ?? [];
  }

  /** Waits until `find` returns something for what the partners received so far. */
  until<T>(find: () => T | undefined, description: string, timeoutMs = 60_000): Promise<T> {
    return waitFor(find, `received: ${description}`, timeoutMs);
  }

  /** Waits for the receipt or rejection a sender got for one of its messages. */
  answerTo(partnerId: string, messageId: string): Promise<HubDocument> {
    return this.until(
      () =>
        this.all(partnerId).find(
          (entry) => entry.type !== 'delivery' && entry.document.messageId === messageId,
        ),
      `the answer to ${messageId} at ${partnerId}`,
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.disconnect()));
  }
}
