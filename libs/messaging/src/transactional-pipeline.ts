import {
  Partitioners,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@samenloop/observability';
import { toDeadLetter } from './dead-letter';
import { isRetriable } from './errors';
import type { InboundRecord, OutboundRecord, RecordHandler } from './records';

export type PipelineState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface TransactionalPipelineOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly groupId: string;
  readonly sessionTimeoutMs?: number;
  /** Stable per instance: a restarted instance with the same id fences its killed predecessor. */
  readonly transactionalId: string;
  readonly topics: readonly string[];
  readonly deadLetterTopic: string;
  readonly handler: RecordHandler;
  /** Attempts for one transaction when the broker answers with a retriable error. */
  readonly transactionAttempts?: number;
  /** Records handled per transaction; a transaction costs ~10 ms of broker work however small. */
  readonly maxRecordsPerTransaction?: number;
  readonly now?: () => Date;
  /** State that travels with each chunk's transaction (see `ChunkState`). */
  readonly chunkState?: ChunkState;
  /**
   * Runs once the transactional producer has fenced any predecessor (aborting its open
   * transaction) and before consuming starts: the moment to rebuild state from Kafka.
   */
  readonly beforeConsuming?: () => Promise<void>;
}

/**
 * State a handler builds up while it handles a chunk (e.g. case threads), written in the chunk's
 * transaction and applied in memory only once that transaction has committed.
 */
export interface ChunkState {
  /** Records to write with the chunk's output, read just before the transaction commits. */
  pendingRecords(): readonly OutboundRecord[];
  committed(): void;
  aborted(): void;
}

/**
 * Consume → handle → produce, with the produced records and the consumed offsets committed in one
 * Kafka transaction: either both are durable or neither is. A killed process therefore never loses
 * a record (its offset was not committed) and never duplicates one (its open transaction is aborted
 * when the successor fences it). Readers must use read_committed, kafkajs's default.
 *
 * Records are handled in chunks of a fetched batch, one transaction per chunk, as Kafka Streams
 * does: a transaction has a fixed broker cost, so per-record transactions would cap throughput.
 */
export class TransactionalPipeline {
  private consumer: Consumer;
  private producer: Producer;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private currentState: PipelineState = 'idle';
  private recoveries = 0;

  constructor(private readonly options: TransactionalPipelineOptions) {
    this.logger = options.logger.child({ component: 'pipeline', groupId: options.groupId });
    this.now = options.now ?? (() => new Date());
    ({ consumer: this.consumer, producer: this.producer } = this.createClients());
  }

  get state(): PipelineState {
    return this.currentState;
  }

  async start(): Promise<void> {
    this.setState('starting');
    await this.producer.connect();
    await this.options.beforeConsuming?.();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  private createClients(): { consumer: Consumer; producer: Producer } {
    const { options } = this;
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      readUncommitted: false,
    });
    const producer = options.kafka.producer({
      transactionalId: options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Back-to-back transactions meet CONCURRENT_TRANSACTIONS while the broker writes the previous
      // commit markers; kafkajs's default 300 ms first backoff made each transaction cost ~120 ms.
      // Unlimited retries: while the broker is away the pipeline waits rather than dropping work.
      retry: { initialRetryTime: 10, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.recoveries = 0;
      this.setState('running');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) void this.recover(payload.error);
    });
    return { consumer, producer };
  }

  /**
   * kafkajs gives up on some failures for good — a transactional producer whose transaction the
   * broker aborted while it was away cannot be used again. The pipeline then starts over with new
   * clients: the new producer fences the old one, the state is read back from Kafka, and consuming
   * resumes at the last committed offset, so nothing is lost or repeated.
   */
  private async recover(cause: Error): Promise<void> {
    if (this.currentState === 'stopping' || this.currentState === 'stopped') return;
    this.setState('crashed');
    this.recoveries += 1;
    this.logger.error(
      { err: cause.message, errorClass: cause.name, attempt: this.recoveries },
      'pipeline crashed: restarting with new Kafka clients',
    );
    this.options.chunkState?.aborted();
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect()]);
    await delay(Math.min(30_000, 500 * 2 ** Math.min(this.recoveries, 6)));
    if (this.currentState !== 'crashed') return;
    ({ consumer: this.consumer, producer: this.producer } = this.createClients());
    try {
      await this.start();
    } catch (error) {
      await this.recover(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Finishes the chunk in flight (its transaction included), then leaves the group. */
  async stop(): Promise<void> {
    if (this.currentState === 'stopped' || this.currentState === 'idle') return;
    this.setState('stopping');
    await this.consumer.disconnect();
    await this.producer.disconnect();
    this.setState('stopped');
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const chunkSize = this.options.maxRecordsPerTransaction ?? 100;
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(start, start + chunkSize);
      const lastOffset = chunk[chunk.length - 1]!.offset;
      try {
        const outbound: OutboundRecord[] = [];
        for (const message of chunk) {
          outbound.push(
            ...(await this.handle(toInboundRecord(batch.topic, batch.partition, message))),
          );
        }
        outbound.push(...(this.options.chunkState?.pendingRecords() ?? []));
        await this.commitTransaction(batch.topic, batch.partition, lastOffset, outbound);
      } catch (error) {
        // The chunk will be handled again from its first record: forget what it staged.
        this.options.chunkState?.aborted();
        throw error;
      }
      this.options.chunkState?.committed();
      payload.resolveOffset(lastOffset);
      await payload.heartbeat();
    }
  }

  private async handle(record: InboundRecord): Promise<readonly OutboundRecord[]> {
    try {
      return await this.options.handler(record);
    } catch (error) {
      // Retriable failures propagate so kafkajs retries the same record with backoff.
      if (isRetriable(error)) throw error;
      const deadLetter = toDeadLetter(record, error, this.options.deadLetterTopic, this.now());
      this.logger.warn(
        {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          failedStep: deadLetter.headers?.['samenloop.dlq.failed.step'],
          errorClass: error instanceof Error ? error.name : 'Unknown',
        },
        'record dead-lettered',
      );
      return [deadLetter];
    }
  }

  private async commitTransaction(
    topic: string,
    partition: number,
    lastOffset: string,
    outbound: readonly OutboundRecord[],
  ): Promise<void> {
    const attempts = this.options.transactionAttempts ?? 5;
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      const transaction = await this.producer.transaction();
      try {
        if (outbound.length > 0) {
          await transaction.sendBatch({ acks: -1, topicMessages: groupByTopic(outbound) });
        }
        await transaction.sendOffsets({
          consumerGroupId: this.options.groupId,
          // kafkajs commits the *next* offset to read.
          topics: [{ topic, partitions: [{ partition, offset: nextOffset(lastOffset) }] }],
        });
        await transaction.commit();
        this.logger.debug(
          {
            topic,
            partition,
            lastOffset,
            produced: outbound.length,
            transactionMs: Math.round(performance.now() - started),
          },
          'chunk committed',
        );
        return;
      } catch (error) {
        await transaction
          .abort()
          .catch((abortError: unknown) =>
            this.logger.warn({ err: abortError }, 'aborting a failed transaction failed'),
          );
        // kafkajs does not retry CONCURRENT_TRANSACTIONS on sendOffsets itself (kafkajs#430).
        if (!isRetriable(error) || attempt >= attempts) throw error;
        this.logger.warn({ attempt, topic, partition, lastOffset }, 'transaction retried');
        await delay(100 * 2 ** (attempt - 1));
      }
    }
  }

  private setState(state: PipelineState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.logger.info({ state }, 'pipeline state changed');
  }
}

function toInboundRecord(topic: string, partition: number, message: KafkaMessage): InboundRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    timestamp: message.timestamp,
  };
}

function groupByTopic(records: readonly OutboundRecord[]) {
  const byTopic = new Map<
    string,
    {
      key: Buffer | string | null;
      value: Buffer | string | null;
      headers?: OutboundRecord['headers'];
    }[]
  >();
  for (const { topic, key, value, headers } of records) {
    const messages = byTopic.get(topic) ?? [];
    messages.push({ key, value, headers });
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
