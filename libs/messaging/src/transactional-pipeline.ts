import {
  Partitioners,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import { performance } from 'node:perf_hooks';
import { StartupError } from '@samenloop/errors';
import type { Logger } from '@samenloop/observability';
import type { UndecodableBatchError } from './compression';
import {
  DEAD_LETTER_HEADERS,
  toDeadLetter,
  toUndecodableBatchDeadLetter,
  type KeyPseudonym,
} from './dead-letter';
import { isRetriable } from './errors';
import type { Lease } from './lease/lease';
import type { InboundRecord, OutboundRecord, RecordHandler } from './records';
import { locateUndecodableBatch, undecodableCause } from './undecodable-batch';

export type PipelineState =
  | 'idle'
  /** Another instance holds the lease: this one neither consumes nor writes, and waits to take over. */
  | 'standby'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'crashed';

/** Why the pipeline cannot commit: error class and message only, never record contents. */
export interface CommitFailure {
  readonly errorClass: string;
  readonly message: string;
  /** Where it failed: handling a chunk, committing its transaction, or (re)starting the clients. */
  readonly during: 'handling' | 'transaction' | 'start' | 'crash';
  /** When the pipeline last stopped committing: the first failure since the last commit. */
  readonly since: Date;
}

/** What a health probe needs to know about the pipeline, read without side effects. */
export interface PipelineHealth {
  readonly state: PipelineState;
  readonly stateSince: Date;
  /**
   * Set while the pipeline cannot commit: the last chunk failed (after its retries), the pipeline
   * crashed, or a transaction has been open longer than `commitStallMs`. Cleared by a commit.
   */
  readonly commitFailure?: CommitFailure;
  readonly lastCommitAt?: Date;
  /** Restarts since the back-off was last reset; the next one waits `nextRestartDelayMs`. */
  readonly restarts: number;
  readonly nextRestartDelayMs: number;
}

/** Restart back-off: doubles per restart from `initialMs` up to `maxMs`. */
export interface RestartBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  /** The back-off starts again from `initialMs` once the pipeline has committed and stayed healthy this long. */
  readonly healthyResetMs: number;
}

/**
 * 1 s → 60 s: a broker blip costs a second, while a lasting fault (a deleted topic, refused
 * writes) settles at one restart a minute instead of reconnecting every client once a second.
 */
export const DEFAULT_RESTART_BACKOFF: RestartBackoff = {
  initialMs: 1_000,
  maxMs: 60_000,
  healthyResetMs: 60_000,
};

/**
 * The retries of a producer that runs transactions back to back: each meets CONCURRENT_TRANSACTIONS
 * while the broker writes the previous commit markers, and kafkajs's default 300 ms first backoff
 * made each transaction cost ~120 ms. Unlimited retries: while the broker is away the producer
 * waits rather than dropping work.
 */
export const BACK_TO_BACK_TRANSACTIONS_RETRY = {
  initialRetryTime: 10,
  maxRetryTime: 5_000,
  retries: Number.MAX_SAFE_INTEGER,
} as const;

/**
 * kafkajs retries a producer request without limit while the broker is away (see
 * `createClients`), so a transaction can hang rather than fail: longer than this counts as failing.
 */
export const DEFAULT_COMMIT_STALL_MS = 30_000;

export interface TransactionalPipelineOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly groupId: string;
  readonly sessionTimeoutMs?: number;
  /**
   * Stable per consumer group, shared by its instances: whichever instance takes over fences
   * every predecessor (aborting its open transaction, refusing its later writes).
   */
  readonly transactionalId: string;
  readonly topics: readonly string[];
  readonly deadLetterTopic: string;
  /** A dead letter keeps an original up to this size, else its size and hash (see `toDeadLetter`). */
  readonly maxDeadLetterOriginalBytes: number;
  /** What a dead letter is keyed by instead of its original's key (see `toDeadLetter`). */
  readonly deadLetterKey: KeyPseudonym;
  readonly handler: RecordHandler;
  /** Attempts for one transaction when the broker answers with a retriable error. */
  readonly transactionAttempts?: number;
  /** Records handled per transaction; a transaction costs ~10 ms of broker work however small. */
  readonly maxRecordsPerTransaction?: number;
  readonly now?: () => Date;
  /** State that travels with each chunk's transaction (see `ChunkState`). */
  readonly chunkState?: ChunkState;
  /**
   * Sees every transaction's final records, once, just before they are sent, and may rewrite them
   * (e.g. set partitions, add headers). State it stages follows `chunkState`'s committed/aborted.
   */
  readonly beforeSend?: (records: readonly OutboundRecord[]) => Promise<readonly OutboundRecord[]>;
  /**
   * Runs once the transactional producer has fenced any predecessor (aborting its open
   * transaction) and before consuming starts: the moment to rebuild state from Kafka.
   */
  readonly beforeConsuming?: () => Promise<void>;
  readonly restartBackoff?: RestartBackoff;
  /**
   * With a lease, only its holder consumes; the other instances stand by, joined neither to the
   * consumer group nor as the transactional producer, and take over when the holder is gone.
   */
  readonly lease?: Lease;
  /** Work only the active instance does besides consuming (the clock ticker): started on taking over. */
  readonly activeDuties?: ActiveDuties;
  /** A transaction open longer than this makes the pipeline unhealthy (`DEFAULT_COMMIT_STALL_MS`). */
  readonly commitStallMs?: number;
  /**
   * Taking over found something this instance cannot run with (say, state sealed under another
   * secret): restarting cannot help, and holding the lease in a restart loop would keep a healthy
   * standby out. The pipeline stops (releasing the lease), then tells this; without it, it restarts.
   */
  readonly onStartupError?: (error: StartupError) => void;
}

export interface ActiveDuties {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The transaction in flight, and what the admin API said about it once it stalled. */
interface OpenTransaction {
  readonly since: Date;
  diagnosis?: string;
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
  private readonly backoff: RestartBackoff;
  private currentState: PipelineState = 'idle';
  private stateSince: Date;
  private restarts = 0;
  private backoffReset: NodeJS.Timeout | undefined;
  private commitFailure: CommitFailure | undefined;
  private lastCommitAt: Date | undefined;
  private openTransaction: OpenTransaction | undefined;
  /** Set by a crash on a batch no codec here can read, until that batch is dead-lettered. */
  private undecodable: UndecodableBatchError | undefined;

  constructor(private readonly options: TransactionalPipelineOptions) {
    this.logger = options.logger.child({ component: 'pipeline', groupId: options.groupId });
    this.now = options.now ?? (() => new Date());
    this.backoff = options.restartBackoff ?? DEFAULT_RESTART_BACKOFF;
    this.stateSince = this.now();
    ({ consumer: this.consumer, producer: this.producer } = this.createClients());
  }

  get state(): PipelineState {
    return this.currentState;
  }

  get health(): PipelineHealth {
    return {
      state: this.currentState,
      stateSince: this.stateSince,
      commitFailure: this.commitFailure ?? this.stalledTransaction(),
      lastCommitAt: this.lastCommitAt,
      restarts: this.restarts,
      nextRestartDelayMs: this.restartDelayMs(),
    };
  }

  /** Consumes at once, or with a lease resolves as a contender and consumes once it holds the lease. */
  async start(): Promise<void> {
    const { lease } = this.options;
    if (!lease) return this.consume();
    this.setState('standby');
    await lease.start({
      onAcquired: () => void this.takeOver(),
      onLost: (reason) => void this.standBy(`lease lost: ${reason}`),
    });
  }

  private async consume(): Promise<void> {
    this.setState('starting');
    const { consumer, producer } = this;
    // Handed over (or stopped) meanwhile: join nothing with these clients any more.
    const superseded = () =>
      consumer !== this.consumer || ['standby', 'stopping', 'stopped'].includes(this.currentState);
    await producer.connect();
    // kafkajs asks for the transactional producer id, which is what fences, only at the first
    // transaction. An empty one fences every predecessor now, before the state is read back: a
    // paused predecessor could otherwise still commit after it, and its open transaction would
    // hold read_committed reads of the state until the transaction timeout.
    await (await producer.transaction()).abort();
    await this.options.beforeConsuming?.();
    if (this.undecodable) await this.skipUndecodableBatch(this.undecodable);
    if (superseded()) return producer.disconnect();
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.processBatch(payload),
    });
    if (superseded()) await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
  }

  private createClients(): { consumer: Consumer; producer: Producer } {
    const { options } = this;
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      readUncommitted: false,
      // Fetch sizes stay kafkajs's 1 MiB per partition: inbound batches (at most the gateway's limit)
      // always fit. A larger one, written while a topic's limit was raised, is fetched only when no
      // partition before it has data (KIP-74); until then that partition yields nothing, silently.
      // kafkajs would restart a consumer itself after a retriable crash, at its own pace; every
      // restart goes through `recover` instead, so each one waits the growing back-off.
      retry: { retries: 5, restartOnFailure: () => Promise.resolve(false) },
    });
    const producer = options.kafka.producer({
      transactionalId: options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: BACK_TO_BACK_TRANSACTIONS_RETRY,
    });
    // Events of clients already replaced by a restart are ignored.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (consumer === this.consumer) this.setState('running');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (consumer !== this.consumer) return;
      void this.recover(payload.error, 'crash');
    });
    return { consumer, producer };
  }

  /**
   * kafkajs gives up on some failures for good — a transactional producer whose transaction the
   * broker aborted while it was away cannot be used again. The pipeline then starts over with new
   * clients: the new producer fences the old one, the state is read back from Kafka, and consuming
   * resumes at the last committed offset, so nothing is lost or repeated.
   */
  private async recover(cause: unknown, during: 'start' | 'crash'): Promise<void> {
    // Stopping wins; a second crash report while already restarting is the same crash.
    if (['standby', 'stopping', 'stopped', 'crashed'].includes(this.currentState)) return;
    if (this.options.lease && isFenced(cause)) return this.handOver();
    this.setState('crashed');
    this.noteFailure(cause, during);
    // Restarting alone would fetch the same batch again: the next start dead-letters it first.
    this.undecodable = undecodableCause(cause) ?? this.undecodable;
    this.cancelBackoffReset();
    const delayMs = this.restartDelayMs();
    this.restarts += 1;
    // The one line per restart, with its cause (kafkajs's own crash lines go to the Kafka logger).
    this.logger.error(
      {
        ...describeError(cause),
        rootCause: describeError(rootCause(cause)).errorClass,
        during,
        restart: this.restarts,
        delayMs,
      },
      'pipeline restarting with new Kafka clients',
    );
    this.options.chunkState?.aborted();
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect()]);
    await delay(delayMs);
    if (this.currentState !== 'crashed') return;
    if (this.options.lease && !this.options.lease.held) return this.standBy('lease lost');
    ({ consumer: this.consumer, producer: this.producer } = this.createClients());
    try {
      await this.consume();
    } catch (error) {
      await this.recover(error, 'start');
    }
  }

  /**
   * The lease is ours: new clients (the producer's first transaction fences every predecessor),
   * the state read back from Kafka, then consuming from the last committed offsets.
   */
  private async takeOver(): Promise<void> {
    if (this.currentState !== 'standby') return;
    this.logger.info('taking over as the active instance');
    ({ consumer: this.consumer, producer: this.producer } = this.createClients());
    try {
      await this.consume();
      await this.options.activeDuties?.start();
    } catch (error) {
      const { onStartupError } = this.options;
      if (!(error instanceof StartupError) || !onStartupError) return this.recover(error, 'start');
      await this.stop();
      onStartupError(error);
    }
  }

  /**
   * Someone else is, or may be, active: stop consuming at once (a chunk not yet committing is
   * dropped, see `processBatch`; one already committing fails if a successor fenced it) and leave
   * the consumer group to the new holder.
   */
  private async standBy(reason: string): Promise<void> {
    if (['idle', 'standby', 'stopping', 'stopped'].includes(this.currentState)) return;
    this.setState('standby');
    this.cancelBackoffReset();
    this.logger.warn({ reason }, 'standing by: another instance is active');
    await this.options.activeDuties?.stop();
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect()]);
  }

  /**
   * A fenced producer means another instance took over with the same transactional id. Restarting
   * would fence it in turn, and the two would take turns; standing by and contending again ends it.
   */
  private async handOver(): Promise<void> {
    await this.standBy('fenced: another instance has taken over');
    await this.options.lease?.recontend();
  }

  /** Whether this instance may still commit: without a lease always, with one while it holds it. */
  private get active(): boolean {
    const { lease } = this.options;
    return !lease || (lease.held && this.currentState !== 'standby');
  }

  /**
   * kafkajs decodes a fetch whole, so one batch no codec can read fails every fetch of its
   * partition, and the crash names no partition. The batch is found by probing (records before it
   * on its partition handled as usual), then dead-lettered and skipped in one transaction: the
   * offsets move past it only together with the dead letter that names it.
   */
  private async skipUndecodableBatch(error: UndecodableBatchError): Promise<void> {
    const { options } = this;
    const batch = await locateUndecodableBatch({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: options.topics,
      eachBatch: (payload) => this.processBatch(payload),
    });
    if (!batch) {
      this.logger.warn(
        { compression: error.compression },
        'no undecodable batch found any more: consuming resumes',
      );
      this.undecodable = undefined;
      return;
    }
    const deadLetter = toUndecodableBatchDeadLetter(
      batch,
      batch.error,
      options.deadLetterTopic,
      this.now(),
    );
    try {
      const outbound = await this.finalRecords([deadLetter]);
      await this.commitTransaction(batch.topic, batch.partition, batch.lastOffset, outbound);
    } catch (commitError) {
      this.options.chunkState?.aborted();
      this.noteFailure(commitError, 'transaction');
      throw commitError;
    }
    this.noteCommitted();
    this.options.chunkState?.committed();
    this.undecodable = undefined;
    this.logger.error(
      {
        topic: batch.topic,
        partition: batch.partition,
        firstOffset: batch.firstOffset,
        lastOffset: batch.lastOffset,
        compression: batch.error.compression,
      },
      'undecodable batch dead-lettered and skipped',
    );
  }

  /** `initialMs` doubled per restart since the last reset, at most `maxMs`. */
  private restartDelayMs(): number {
    const { initialMs, maxMs } = this.backoff;
    return Math.min(maxMs, initialMs * 2 ** Math.min(this.restarts, 30));
  }

  /** After restarts, a commit followed by `healthyResetMs` without a failure resets the back-off. */
  private scheduleBackoffReset(): void {
    if (this.restarts === 0 || this.backoffReset) return;
    this.backoffReset = setTimeout(() => {
      this.backoffReset = undefined;
      if (this.currentState !== 'running' || this.health.commitFailure) return;
      this.logger.info(
        { restarts: this.restarts },
        'pipeline healthy again: restart back-off reset',
      );
      this.restarts = 0;
    }, this.backoff.healthyResetMs);
    this.backoffReset.unref();
  }

  private cancelBackoffReset(): void {
    clearTimeout(this.backoffReset);
    this.backoffReset = undefined;
  }

  private noteFailure(error: unknown, during: CommitFailure['during']): void {
    this.commitFailure = {
      ...describeError(error),
      during,
      since: this.commitFailure?.since ?? this.now(),
    };
    this.cancelBackoffReset();
  }

  private noteCommitted(): void {
    this.commitFailure = undefined;
    this.lastCommitAt = this.now();
    this.scheduleBackoffReset();
  }

  private stalledTransaction(): CommitFailure | undefined {
    const open = this.openTransaction;
    if (!open || this.now().getTime() - open.since.getTime() <= this.stallMs()) return undefined;
    const diagnosis = open.diagnosis ? ` (${open.diagnosis})` : '';
    return {
      errorClass: 'TransactionStalled',
      message: `a transaction has been open for more than ${this.stallMs()} ms without committing${diagnosis}`,
      during: 'transaction',
      since: open.since,
    };
  }

  private stallMs(): number {
    return this.options.commitStallMs ?? DEFAULT_COMMIT_STALL_MS;
  }

  /**
   * kafkajs keeps retrying a send to a deleted topic without saying so to the caller; asking the
   * admin API which of the transaction's topics are missing lets health say why it hangs.
   */
  private async diagnoseStall(open: OpenTransaction, topics: readonly string[]): Promise<void> {
    let diagnosis: string;
    try {
      const admin = this.options.kafka.admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((topic) => !existing.has(topic));
        diagnosis =
          missing.length > 0
            ? `topics missing: ${missing.join(', ')}`
            : `all ${topics.length} topics exist; waiting for the broker`;
      } finally {
        await admin.disconnect();
      }
    } catch (error) {
      diagnosis = `the broker does not answer: ${describeError(error).message}`;
    }
    if (this.openTransaction !== open) return;
    open.diagnosis = diagnosis;
    this.logger.warn({ diagnosis, since: open.since }, 'transaction stalled');
  }

  /** Finishes the chunk in flight (its transaction included), then leaves the group. */
  async stop(): Promise<void> {
    if (this.currentState === 'stopped' || this.currentState === 'idle') return;
    this.setState('stopping');
    this.cancelBackoffReset();
    await this.options.lease?.stop();
    await this.options.activeDuties?.stop();
    await this.consumer.disconnect();
    await this.producer.disconnect();
    this.setState('stopped');
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const chunkSize = this.options.maxRecordsPerTransaction ?? 100;
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      if (!payload.isRunning() || payload.isStale() || !this.active) return;
      const chunk = batch.messages.slice(start, start + chunkSize);
      const lastOffset = chunk[chunk.length - 1]!.offset;
      let during: CommitFailure['during'] = 'handling';
      try {
        const outbound: OutboundRecord[] = [];
        for (const message of chunk) {
          outbound.push(
            ...(await this.handle(toInboundRecord(batch.topic, batch.partition, message))),
          );
        }
        outbound.push(...(this.options.chunkState?.pendingRecords() ?? []));
        const final = await this.finalRecords(outbound);
        // A paused process may wake here after its successor took over: it must not even try.
        if (!this.active) throw new LeaseLostError();
        during = 'transaction';
        await this.commitTransaction(batch.topic, batch.partition, lastOffset, final);
      } catch (error) {
        // The chunk will be handled again from its first record: forget what it staged.
        this.options.chunkState?.aborted();
        if (error instanceof LeaseLostError) return;
        // The check above cannot see a loss it has not heard of yet; the broker can: a successor
        // with the same transactional id has fenced this producer, so this commit is refused.
        if (this.options.lease && isFenced(error)) return void this.handOver();
        this.noteFailure(error, during);
        throw error;
      }
      this.noteCommitted();
      this.options.chunkState?.committed();
      payload.resolveOffset(lastOffset);
      await payload.heartbeat();
    }
  }

  /** Once per transaction, not per attempt: a retried attempt sends the very same records. */
  private async finalRecords(
    records: readonly OutboundRecord[],
  ): Promise<readonly OutboundRecord[]> {
    return this.options.beforeSend ? this.options.beforeSend(records) : records;
  }

  private async handle(record: InboundRecord): Promise<readonly OutboundRecord[]> {
    try {
      return await this.options.handler(record);
    } catch (error) {
      // Retriable failures propagate so kafkajs retries the same record with backoff.
      if (isRetriable(error)) throw error;
      const deadLetter = toDeadLetter(record, error, {
        topic: this.options.deadLetterTopic,
        now: this.now(),
        maxOriginalBytes: this.options.maxDeadLetterOriginalBytes,
        keyPseudonym: this.options.deadLetterKey,
      });
      this.logger.warn(
        {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          failedStep: deadLetter.headers?.[DEAD_LETTER_HEADERS.failedStep],
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
    const started = performance.now();
    const open: OpenTransaction = { since: this.now() };
    this.openTransaction = open;
    const targets = [...new Set(outbound.map((record) => record.topic))];
    const stall = setTimeout(() => void this.diagnoseStall(open, targets), this.stallMs());
    stall.unref();
    try {
      await this.commitWithRetries(topic, partition, lastOffset, outbound, started);
    } finally {
      clearTimeout(stall);
      this.openTransaction = undefined;
    }
  }

  private async commitWithRetries(
    topic: string,
    partition: number,
    lastOffset: string,
    outbound: readonly OutboundRecord[],
    started: number,
  ): Promise<void> {
    const attempts = this.options.transactionAttempts ?? 5;
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
        this.logger.warn(
          { attempt, topic, partition, lastOffset, ...describeError(error) },
          'transaction retried',
        );
        await delay(100 * 2 ** (attempt - 1));
      }
    }
  }

  private setState(state: PipelineState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.stateSince = this.now();
    this.logger.info({ state }, 'pipeline state changed');
  }
}

class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** kafkajs names the broker's PRODUCER_FENCED (code 90) only by code; older brokers say INVALID_PRODUCER_EPOCH. */
function isFenced(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    const { type, code } = current as Error & { type?: unknown; code?: unknown };
    if (type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED' || code === 90) return true;
    current = current.cause;
  }
  return false;
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
      partition?: number;
      key: Buffer | string | null;
      value: Buffer | string | null;
      headers?: OutboundRecord['headers'];
    }[]
  >();
  for (const { topic, partition, key, value, headers } of records) {
    const messages = byTopic.get(topic) ?? [];
    messages.push({ ...(partition === undefined ? {} : { partition }), key, value, headers });
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

/** Class and message only: kafkajs and Samenloop errors name topics and ids, never record values. */
function describeError(error: unknown): { errorClass: string; message: string } {
  if (!(error instanceof Error)) return { errorClass: 'Unknown', message: 'non-Error thrown' };
  return { errorClass: error.name, message: error.message.slice(0, 300) };
}

/** The error at the end of a chain of causes: kafkajs wraps what failed, sometimes twice. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10; depth++) {
    if (!(current instanceof Error) || current.cause === undefined) return current;
    current = current.cause;
  }
  return current;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
