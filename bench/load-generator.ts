import { performance } from 'node:perf_hooks';
import { Partitioners, type Consumer, type IHeaders, type Kafka, type KafkaMessage } from 'kafkajs';
import { uniqueName } from '../test/support/kafka-test-kit';

/** One record a partner's system would produce, with the id its arrivals are matched by. */
export interface OfferedRecord {
  readonly traceId: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: IHeaders;
}

/** Messages per second, or everything at once (the system under test sets the pace). */
export type OfferedLoad = number | 'saturation';

export interface LatencyPercentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadFigures {
  readonly offeredPerSecond: OfferedLoad;
  readonly messages: number;
  readonly arrivals: number;
  /** Messages whose every arrival came in, per second from the first send to the last arrival. */
  readonly throughputMsgPerSecond: number;
  /** From the moment the record was handed to the producer to the moment a consumer read it. */
  readonly latencyMs: LatencyPercentiles;
}

const TICK_MS = 10;

/**
 * Open-loop load: records are handed to the producer on a fixed schedule whether or not the
 * system keeps up, so queueing shows in the latencies (a closed loop would hide it). Returns when
 * every record is acknowledged; the send moments are recorded in `sentAt`.
 */
export async function offerLoad(
  kafka: Kafka,
  topic: string,
  records: readonly OfferedRecord[],
  load: OfferedLoad,
  sentAt: Map<string, number>,
): Promise<void> {
  // What a partner's connector would use: acks from all replicas, no duplicates on retry.
  const producer = kafka.producer({
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const sends: Promise<unknown>[] = [];
  const send = (batch: readonly OfferedRecord[]) => {
    const now = performance.now();
    for (const record of batch) sentAt.set(record.traceId, now);
    sends.push(
      producer.send({
        topic,
        acks: -1,
        messages: batch.map(({ key, value, headers }) => ({ key, value, headers })),
      }),
    );
  };
  try {
    if (load === 'saturation') {
      for (let start = 0; start < records.length; start += 500) {
        send(records.slice(start, start + 500));
      }
    } else {
      const started = performance.now();
      let next = 0;
      while (next < records.length) {
        const due = Math.min(
          records.length,
          Math.floor(((performance.now() - started) / 1000) * load) + 1,
        );
        if (due > next) {
          send(records.slice(next, due));
          next = due;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(TICK_MS, 1000 / load)));
      }
    }
    await Promise.all(sends);
  } finally {
    await producer.disconnect();
  }
}

/**
 * Reads topics from the start and notes when each expected arrival is read (read_committed, as a
 * partner's consumer reads). One reader serves several load phases, so its group joins only once.
 */
export class ArrivalRecorder {
  private readonly arrivals = new Map<string, number[]>();
  /** The wait in progress: ids still short of their arrivals, checked per arrival, not rescanned. */
  private waiting: { missing: Set<string>; perMessage: number; done: () => void } | undefined;

  private constructor(private readonly consumer: Consumer) {}

  static async start(
    kafka: Kafka,
    topics: readonly string[],
    identify: (message: KafkaMessage) => string | undefined,
  ): Promise<ArrivalRecorder> {
    const consumer = kafka.consumer({ groupId: uniqueName('bench-reader'), maxWaitTimeInMs: 100 });
    const recorder = new ArrivalRecorder(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    let joined!: () => void;
    const hasJoined = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({
      partitionsConsumedConcurrently: topics.length * 3,
      eachMessage: ({ message }) => {
        const now = performance.now();
        const id = identify(message);
        if (id !== undefined) recorder.arrived(id, now);
        return Promise.resolve();
      },
    });
    await hasJoined;
    return recorder;
  }

  private arrived(id: string, at: number): void {
    const times = this.arrivals.get(id) ?? [];
    times.push(at);
    this.arrivals.set(id, times);
    const { waiting } = this;
    if (waiting && times.length >= waiting.perMessage && waiting.missing.delete(id)) {
      if (waiting.missing.size === 0) waiting.done();
    }
  }

  /** Resolves once every id has `perMessage` arrivals; fails after `timeoutMs` with the count. */
  async complete(ids: readonly string[], perMessage: number, timeoutMs: number): Promise<void> {
    const missing = new Set(ids.filter((id) => (this.arrivals.get(id)?.length ?? 0) < perMessage));
    if (missing.size === 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(
          new Error(
            `only ${ids.length - missing.size} of ${ids.length} messages fully arrived within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.waiting = {
        missing,
        perMessage,
        done: () => {
          clearTimeout(timer);
          this.waiting = undefined;
          resolve();
        },
      };
    });
  }

  /**
   * Resolves once `count` distinct ids arrived, whatever they are (for records whose ids another
   * process chose), with each one's first arrival; fails after `timeoutMs` with the count.
   */
  async distinct(count: number, timeoutMs: number): Promise<number[]> {
    const deadline = performance.now() + timeoutMs;
    while (this.arrivals.size < count) {
      if (performance.now() > deadline)
        throw new Error(`only ${this.arrivals.size} of ${count} arrived within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    return [...this.arrivals.values()].map((times) => times[0]!);
  }

  figures(
    offered: OfferedLoad,
    ids: readonly string[],
    sentAt: ReadonlyMap<string, number>,
  ): LoadFigures {
    const latencies: number[] = [];
    let firstSent = Infinity;
    let lastArrival = 0;
    for (const id of ids) {
      const sent = sentAt.get(id);
      if (sent === undefined) throw new Error(`no send time for ${id}`);
      firstSent = Math.min(firstSent, sent);
      for (const arrival of this.arrivals.get(id) ?? []) {
        latencies.push(arrival - sent);
        lastArrival = Math.max(lastArrival, arrival);
      }
    }
    return {
      offeredPerSecond: offered,
      messages: ids.length,
      arrivals: latencies.length,
      throughputMsgPerSecond: Math.round((ids.length / (lastArrival - firstSent)) * 1000),
      latencyMs: percentiles(latencies),
    };
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

export function percentiles(samples: readonly number[]): LatencyPercentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (share: number) =>
    Number(
      (sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? NaN).toFixed(1),
    );
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}
