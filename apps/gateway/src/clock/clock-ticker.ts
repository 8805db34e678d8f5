import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from '@samenloop/observability';
import type { ClockTick } from './clock-handler';

/**
 * Writes the wall-clock time to the clock topic at a fixed interval. Several gateways may tick at
 * once: a tick only moves time forward, and a raised alarm is marked so, so extra ticks are harmless.
 */
export class ClockTicker {
  private timer: NodeJS.Timeout | undefined;
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
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
    const tick: ClockTick = { now: this.now().toISOString() };
    try {
      await this.producer?.send({
        topic: this.topic,
        acks: -1,
        messages: [{ value: JSON.stringify(tick) }],
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
