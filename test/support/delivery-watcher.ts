import type { Kafka } from 'kafkajs';
import type { GatewayScenario } from './gateway-scenario';
import { toConsumedRecord, uniqueName } from './kafka-test-kit';

/** A hub document as a partner decrypts it: delivery, receipt or rejection. */
export interface HubDocument {
  readonly type: 'delivery' | 'receipt' | 'rejection';
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
export class DeliveryWatcher {
  private readonly received = new Map<string, HubDocument[]>();

  private constructor(private readonly stopConsumer: () => Promise<void>) {}

  static async start(
    kafka: Kafka,
    scenario: GatewayScenario,
    partnerIds: readonly string[],
  ): Promise<DeliveryWatcher> {
    const byTopic = new Map(partnerIds.map((id) => [scenario.topics.delivery(id), id]));
    const consumer = kafka.consumer({
      groupId: uniqueName('test-watcher'),
      readUncommitted: false,
    });
    const watcher = new DeliveryWatcher(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topics: [...byTopic.keys()], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const partnerId = byTopic.get(topic)!;
        const document = await scenario.partners.open<HubDocument['document']>(
          toConsumedRecord(topic, partition, message),
          partnerId,
        );
        const type = String(message.headers?.ce_type ?? '').replace('nl.samenloop.', '');
        const list = watcher.received.get(partnerId) ?? [];
        list.push({ type: type as HubDocument['type'], document });
        watcher.received.set(partnerId, list);
      },
    });
    return watcher;
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
  async until<T>(find: () => T | undefined, description: string, timeoutMs = 60_000): Promise<T> {
    const started = Date.now();
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() - started > timeoutMs)
        throw new Error(`not received within ${timeoutMs} ms: ${description}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
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

  stop(): Promise<void> {
    return this.stopConsumer();
  }
}
