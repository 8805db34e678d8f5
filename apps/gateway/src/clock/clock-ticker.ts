import type { Kafka, Producer } from 'kafkajs';
import type { RecordMac } from '@samenloop/crypto';
import type { Logger } from '@samenloop/observability';
import { clockTickRecord } from './clock-tick';

/**
 * Writes the wall-clock time to the clock topic at a fixed interval. Several gateways may tick at
 * once: a tick only moves time forward, and a raised alarm is marked so, so extra ticks are harmless.
 * Each tick carries a MAC under the hub secret: the clock handler applies no other.
 */
export class ClockTicker {
  private timer: NodeJS.Timeout | undefined;
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly mac: RecordMac,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    await this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.producer?.disconnect();
  }

  private async tick(): Promise<void> {
    const { key, value, headers } = clockTickRecord(this.mac, this.topic, this.now());
    try {
      await this.producer?.send({
        topic: this.topic,
        acks: -1,
        messages: [{ key, value, headers }],
      });
    } catch (error) {
      // A missed tick only delays alarms to the next one.
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'clock tick not written; retried at the next interval',
      );
    }
  }
}
