import { EventEmitter } from 'node:events';
import {
  KafkaJSNumberOfRetriesExceeded,
  type ConsumerConfig,
  type EachBatchPayload,
  type Kafka,
  type ProducerBatch,
} from 'kafkajs';
import { createLogger, type Logger } from '@samenloop/observability';
import {
  TransactionalPipeline,
  type ChunkState,
  type PipelineState,
  type TransactionalPipelineOptions,
} from './transactional-pipeline';
import { TransientProcessingError } from './errors';
import type { Lease, LeaseListener } from './lease/lease';
import type { OutboundRecord } from './records';

/**
 * The pipeline's own recovery logic, with kafkajs clients stood in for: whether a crash kafkajs
 * gives up on leads to new clients, and one it recovers from itself does not; the restart back-off
 * on fake timers; and what the pipeline reports for health when commits fail or hang. Consuming,
 * transactions and restarts against a real broker are in test/messaging and test/faults.
 */
class StandInConsumer {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };
  private readonly emitter = new EventEmitter();
  readonly connect = jest.fn(() => Promise.resolve());
  readonly subscribe = jest.fn(() => Promise.resolve());
  readonly disconnect = jest.fn(() => Promise.resolve());
  private eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;

  constructor(readonly config: ConsumerConfig) {}
  readonly run = jest.fn((config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
    this.eachBatch = config.eachBatch;
    // kafkajs reports the group join after `run` resolves.
    setImmediate(() => this.emitter.emit(this.events.GROUP_JOIN, { payload: {} }));
    return Promise.resolve();
  });

  /** Hands the pipeline a batch of one record, as kafkajs's fetch loop would. */
  deliver(offset = '0'): Promise<void> {
    const payload = {
      batch: {
        topic: 'samenloop.in.politie-ob.v1',
        partition: 0,
        messages: [{ offset, key: null, value: Buffer.from('{}'), headers: {}, timestamp: '0' }],
      },
      isRunning: () => true,
      isStale: () => false,
      resolveOffset: jest.fn(),
      heartbeat: jest.fn(() => Promise.resolve()),
    } as unknown as EachBatchPayload;
    return this.eachBatch!(payload);
  }

  on(event: string, listener: (event: unknown) => void): void {
    this.emitter.on(event, listener);
  }

  crash(error: Error = new Error('The producer has been fenced or its transaction aborted')): void {
    this.emitter.emit(this.events.CRASH, { payload: { error, restart: false } });
  }
}

/** How the stand-in broker answers a transaction's commit. */
const broker: { commit: () => Promise<void> } = { commit: () => Promise.resolve() };

class StandInProducer {
  readonly connect = jest.fn(() => Promise.resolve());
  readonly disconnect = jest.fn(() => Promise.resolve());
  /** What each transaction's `sendBatch` was given. */
  readonly sent: ProducerBatch[] = [];
  readonly transaction = jest.fn(() =>
    Promise.resolve({
      sendBatch: (batch: ProducerBatch) => {
        this.sent.push(batch);
        return Promise.resolve();
      },
      sendOffsets: () => Promise.resolve(),
      commit: () => broker.commit(),
      abort: () => Promise.resolve(),
    }),
  );
}

/** How kafkajs crashes a consumer whose batch kept failing retriably (`cause` as its retrier sets it). */
function retriesExceeded(): Error {
  const cause = new TransientProcessingError('key store unavailable', 'encrypt');
  const crash = new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 1_000 });
  return Object.assign(crash, { cause });
}

/** What kafkajs throws when a transaction's topic is gone: not retriable by the pipeline. */
function topicGone(): Error {
  const error = new Error('This server does not host this topic-partition');
  error.name = 'KafkaJSProtocolError';
  return error;
}

interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, fields, message });
    };
  const logger = {
    child: () => logger,
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
  };
  return logger as unknown as Logger;
}

function pipelineOnStandIns(overrides: Partial<TransactionalPipelineOptions> = {}) {
  const consumers: StandInConsumer[] = [];
  const producers: StandInProducer[] = [];
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      consumers.push(new StandInConsumer(config));
      return consumers[consumers.length - 1];
    },
    producer: () => {
      producers.push(new StandInProducer());
      return producers[producers.length - 1];
    },
    // The stand-in cluster has the inbound topic only.
    admin: () => ({
      connect: () => Promise.resolve(),
      listTopics: () => Promise.resolve(['samenloop.in.politie-ob.v1']),
      disconnect: () => Promise.resolve(),
    }),
  } as unknown as Kafka;
  const aborted = jest.fn();
  const chunkState: ChunkState = { pendingRecords: () => [], committed: jest.fn(), aborted };
  const beforeConsuming = jest.fn(() => Promise.resolve());
  const pipeline = new TransactionalPipeline({
    kafka,
    logger: createLogger('test', 'fatal'),
    groupId: 'gateway',
    transactionalId: 'gateway-1',
    topics: ['samenloop.in.politie-ob.v1'],
    deadLetterTopic: 'samenloop.deadletter.v1',
    maxDeadLetterOriginalBytes: 1024 * 1024,
    deadLetterKey: (key) => `pseudonym(${key.toString()})`,
    handler: () => Promise.resolve([]),
    chunkState,
    beforeConsuming,
    ...overrides,
  });
  return { pipeline, consumers, producers, aborted, beforeConsuming };
}

async function until(state: () => PipelineState, expected: PipelineState): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (state() !== expected) {
    if (Date.now() > deadline) throw new Error(`pipeline state ${state()}, expected ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(TransactionalPipeline.name, () => {
  it('starts over with new Kafka clients after a crash kafkajs does not restart from', async () => {
    const { pipeline, consumers, producers, aborted, beforeConsuming } = pipelineOnStandIns();
    await pipeline.start();
    await until(() => pipeline.state, 'running');

    consumers[0]!.crash();
    expect(pipeline.state).toBe('crashed');
    // What the handler staged for the chunk in flight is forgotten: that chunk is read again.
    expect(aborted).toHaveBeenCalledTimes(1);
    await until(() => pipeline.state, 'running');

    expect(consumers).toHaveLength(2);
    expect(producers).toHaveLength(2);
    expect(consumers[0]!.disconnect).toHaveBeenCalled();
    expect(producers[0]!.disconnect).toHaveBeenCalled();
    // The new producer fences the old one before the state is read back and consuming resumes.
    expect(producers[1]!.connect).toHaveBeenCalled();
    expect(beforeConsuming).toHaveBeenCalledTimes(2);
    expect(consumers[1]!.run).toHaveBeenCalledTimes(1);
    await pipeline.stop();
  });

  it('never lets kafkajs restart the consumer on its own, so every restart waits the back-off', async () => {
    const { pipeline, consumers } = pipelineOnStandIns();
    await pipeline.start();

    const { retry } = consumers[0]!.config;
    // kafkajs asks this only for crashes it deems retriable; those it would otherwise restart itself.
    await expect(retry?.restartOnFailure?.(retriesExceeded())).resolves.toBe(false);
    // The retries within one fetch or batch stay kafkajs's consumer default.
    expect(retry?.retries).toBe(5);
    await pipeline.stop();
  });

  it('sends what `beforeSend` makes of a chunk’s final records, partitions included', async () => {
    const audit = { topic: 'samenloop.audit.v1', key: 'm-1', value: '{}' };
    const state = { topic: 'samenloop.state.cases.v1', key: 'c-1', value: '{}' };
    const beforeSend = jest.fn((records: readonly OutboundRecord[]) =>
      Promise.resolve(
        records.map((record) => ({ ...record, partition: 2, headers: { chained: 'yes' } })),
      ),
    );
    const { pipeline, consumers, producers } = pipelineOnStandIns({
      handler: () => Promise.resolve([audit]),
      chunkState: { pendingRecords: () => [state], committed: jest.fn(), aborted: jest.fn() },
      beforeSend,
    });
    await pipeline.start();

    await consumers[0]!.deliver();

    expect(beforeSend).toHaveBeenCalledWith([audit, state]);
    expect(producers[0]!.sent[0]!.topicMessages).toEqual([
      {
        topic: audit.topic,
        messages: [{ partition: 2, key: 'm-1', value: '{}', headers: { chained: 'yes' } }],
      },
      {
        topic: state.topic,
        messages: [{ partition: 2, key: 'c-1', value: '{}', headers: { chained: 'yes' } }],
      },
    ]);
    await pipeline.stop();
  });

  it('does not start again when it crashes while being stopped', async () => {
    const { pipeline, consumers } = pipelineOnStandIns();
    await pipeline.start();
    await until(() => pipeline.state, 'running');
    await pipeline.stop();

    consumers[0]!.crash();

    expect(pipeline.state).toBe('stopped');
    expect(consumers).toHaveLength(1);
  });
});

/** A lease the test hands out and takes back. */
class StandInLease implements Lease {
  held = false;
  private listener: LeaseListener | undefined;
  readonly start = jest.fn((listener: LeaseListener) => {
    this.listener = listener;
    return Promise.resolve();
  });
  readonly recontend = jest.fn(() => Promise.resolve());
  readonly stop = jest.fn(() => Promise.resolve());

  acquire(): void {
    this.held = true;
    this.listener!.onAcquired();
  }

  lose(): void {
    this.held = false;
    this.listener!.onLost('given to another member');
  }
}

/** What the broker answers a producer a successor has fenced. */
function fenced(): Error {
  return Object.assign(new Error('Producer attempted an operation with an old epoch'), {
    name: 'KafkaJSProtocolError',
    type: 'INVALID_PRODUCER_EPOCH',
  });
}

describe(`${TransactionalPipeline.name} with a lease`, () => {
  const activeDuties = () => ({
    start: jest.fn(() => Promise.resolve()),
    stop: jest.fn(() => Promise.resolve()),
  });

  afterEach(() => {
    broker.commit = () => Promise.resolve();
  });

  it('stands by without connecting until it holds the lease, then fences, reads the state back and consumes', async () => {
    const lease = new StandInLease();
    const duties = activeDuties();
    const { pipeline, consumers, producers, beforeConsuming } = pipelineOnStandIns({
      lease,
      activeDuties: duties,
    });
    await pipeline.start();

    expect(pipeline.state).toBe('standby');
    expect(producers.every((producer) => producer.connect.mock.calls.length === 0)).toBe(true);
    expect(consumers.every((consumer) => consumer.connect.mock.calls.length === 0)).toBe(true);
    expect(duties.start).not.toHaveBeenCalled();

    lease.acquire();
    await until(() => pipeline.state, 'running');
    const producer = producers[producers.length - 1]!;
    // The fencing transaction comes before the state is read back.
    expect(producer.transaction.mock.invocationCallOrder[0]).toBeLessThan(
      beforeConsuming.mock.invocationCallOrder[0]!,
    );
    expect(duties.start).toHaveBeenCalledTimes(1);
    await pipeline.stop();
    expect(lease.stop).toHaveBeenCalled();
    expect(duties.stop).toHaveBeenCalled();
  });

  it('commits nothing of the chunk in flight once the lease is lost, and stands by', async () => {
    const lease = new StandInLease();
    const duties = activeDuties();
    let handled!: () => void;
    const { pipeline, consumers, producers, aborted } = pipelineOnStandIns({
      lease,
      activeDuties: duties,
      handler: () =>
        new Promise((resolve) => {
          handled = () => resolve([{ topic: 'samenloop.out.vt-zob.v1', key: 'k', value: '{}' }]);
        }),
    });
    await pipeline.start();
    lease.acquire();
    await until(() => pipeline.state, 'running');
    const consumer = consumers[consumers.length - 1]!;
    const producer = producers[producers.length - 1]!;

    const delivered = consumer.deliver();
    lease.lose();
    handled();
    await delivered;

    expect(pipeline.state).toBe('standby');
    expect(producer.sent).toEqual([]);
    expect(aborted).toHaveBeenCalled();
    expect(consumer.disconnect).toHaveBeenCalled();
    expect(duties.stop).toHaveBeenCalled();
    await pipeline.stop();
  });

  it('stands by and contends again when fenced, instead of restarting and fencing its successor', async () => {
    const lease = new StandInLease();
    const { pipeline, consumers } = pipelineOnStandIns({ lease });
    await pipeline.start();
    lease.acquire();
    await until(() => pipeline.state, 'running');
    const clients = consumers.length;
    broker.commit = () => Promise.reject(fenced());

    await consumers[consumers.length - 1]!.deliver();

    await until(() => pipeline.state, 'standby');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lease.recontend).toHaveBeenCalledTimes(1);
    expect(consumers).toHaveLength(clients);
    await pipeline.stop();
  });
});

describe(`${TransactionalPipeline.name} restart back-off and health`, () => {
  const backoff = { initialMs: 1_000, maxMs: 60_000, healthyResetMs: 5_000 };
  let lines: LogLine[];

  beforeEach(() => {
    jest.useFakeTimers();
    broker.commit = () => Promise.resolve();
    lines = [];
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  function pipelineWithBackoff(overrides: Partial<TransactionalPipelineOptions> = {}) {
    return pipelineOnStandIns({
      restartBackoff: backoff,
      logger: recordingLogger(lines),
      ...overrides,
    });
  }

  /** Crashes the current consumer and checks that new clients start exactly `delayMs` later. */
  async function crashAndRestartAfter(
    pipeline: TransactionalPipeline,
    consumers: StandInConsumer[],
    delayMs: number,
    cause?: Error,
  ): Promise<void> {
    const before = consumers.length;
    consumers[before - 1]!.crash(cause);
    await jest.advanceTimersByTimeAsync(delayMs - 1);
    expect(consumers).toHaveLength(before);
    expect(pipeline.state).toBe('crashed');
    await jest.advanceTimersByTimeAsync(1);
    expect(consumers).toHaveLength(before + 1);
    // kafkajs reports the group join right after `run`: the stand-in's next timer.
    await jest.advanceTimersToNextTimerAsync();
    expect(pipeline.state).toBe('running');
  }

  it('doubles the wait before each restart from 1 s up to the 60 s cap', async () => {
    const { pipeline, consumers } = pipelineWithBackoff();
    await pipeline.start();
    await jest.advanceTimersByTimeAsync(0);

    for (const delayMs of [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000])
      await crashAndRestartAfter(pipeline, consumers, delayMs);

    expect(pipeline.health.restarts).toBe(8);
    await pipeline.stop();
  });

  it('logs each restart once, with the cause and the wait', async () => {
    const { pipeline, consumers } = pipelineWithBackoff();
    await pipeline.start();
    await jest.advanceTimersByTimeAsync(0);

    await crashAndRestartAfter(pipeline, consumers, 1_000);
    await crashAndRestartAfter(pipeline, consumers, 2_000);

    const restarts = lines.filter((line) => line.message.includes('restarting'));
    expect(restarts.map((line) => line.fields)).toEqual([
      expect.objectContaining({
        errorClass: 'Error',
        message: 'The producer has been fenced or its transaction aborted',
        restart: 1,
        delayMs: 1_000,
      }),
      expect.objectContaining({ restart: 2, delayMs: 2_000 }),
    ]);
    await pipeline.stop();
  });

  it('restarts after a crash kafkajs deems retriable through the same back-off, logged once with its cause', async () => {
    const { pipeline, consumers } = pipelineWithBackoff();
    await pipeline.start();
    await jest.advanceTimersByTimeAsync(0);

    await crashAndRestartAfter(pipeline, consumers, 1_000, retriesExceeded());
    await crashAndRestartAfter(pipeline, consumers, 2_000, retriesExceeded());

    const restarts = lines.filter((line) => line.message.includes('restarting'));
    expect(restarts.map((line) => line.fields)).toEqual([
      expect.objectContaining({
        errorClass: 'KafkaJSNumberOfRetriesExceeded',
        message: 'key store unavailable',
        rootCause: 'TransientProcessingError',
        restart: 1,
        delayMs: 1_000,
      }),
      expect.objectContaining({ restart: 2, delayMs: 2_000 }),
    ]);
    await pipeline.stop();
  });

  it('starts the back-off over once it has committed and stayed healthy for the healthy minute', async () => {
    const { pipeline, consumers } = pipelineWithBackoff();
    await pipeline.start();
    await jest.advanceTimersByTimeAsync(0);
    await crashAndRestartAfter(pipeline, consumers, 1_000);
    await crashAndRestartAfter(pipeline, consumers, 2_000);

    await consumers[consumers.length - 1]!.deliver();
    await jest.advanceTimersByTimeAsync(backoff.healthyResetMs - 1);
    expect(pipeline.health.nextRestartDelayMs).toBe(4_000);
    await jest.advanceTimersByTimeAsync(1);

    expect(pipeline.health.restarts).toBe(0);
    await crashAndRestartAfter(pipeline, consumers, 1_000);
    await pipeline.stop();
  });

  it('keeps the back-off when a commit fails within the healthy minute', async () => {
    const { pipeline, consumers } = pipelineWithBackoff();
    await pipeline.start();
    await jest.advanceTimersByTimeAsync(0);
    await crashAndRestartAfter(pipeline, consumers, 1_000);

    const consumer = consumers[consumers.length - 1]!;
    await consumer.deliver('0');
    await jest.advanceTimersByTimeAsync(backoff.healthyResetMs / 2);
    broker.commit = () => Promise.reject(topicGone());
    await expect(consumer.deliver('1')).rejects.toThrow('does not host');
    await jest.advanceTimersByTimeAsync(backoff.healthyResetMs);

    expect(pipeline.health.restarts).toBe(1);
    await crashAndRestartAfter(pipeline, consumers, 2_000);
    await pipeline.stop();
  });

  it('reports a failed commit with its error class, message and since when, until a commit succeeds', async () => {
    const { pipeline, consumers } = pipelineWithBackoff();
    await pipeline.start();
    await jest.advanceTimersByTimeAsync(0);
    const failedAt = new Date();
    broker.commit = () => Promise.reject(topicGone());

    await expect(consumers[0]!.deliver()).rejects.toThrow();
    await jest.advanceTimersByTimeAsync(3_000);
    await expect(consumers[0]!.deliver()).rejects.toThrow();
    const failing = pipeline.health;
    broker.commit = () => Promise.resolve();
    await consumers[0]!.deliver();

    expect(failing).toMatchObject({
      state: 'running',
      commitFailure: {
        errorClass: 'KafkaJSProtocolError',
        message: 'This server does not host this topic-partition',
        during: 'transaction',
        // The first failure of the stretch, not the latest.
        since: failedAt,
      },
    });
    expect(pipeline.health.commitFailure).toBeUndefined();
    expect(pipeline.health.lastCommitAt).toEqual(new Date(failedAt.getTime() + 3_000));
    await pipeline.stop();
  });

  it('reports a transaction that hangs longer than the stall limit as failing', async () => {
    const { pipeline, consumers } = pipelineWithBackoff({
      commitStallMs: 10_000,
      handler: () => Promise.resolve([{ topic: 'samenloop.audit.v1', key: null, value: '{}' }]),
    });
    await pipeline.start();
    await jest.advanceTimersByTimeAsync(0);
    broker.commit = () => new Promise(() => {});

    void consumers[0]!.deliver();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(pipeline.health.commitFailure).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);

    expect(pipeline.health.commitFailure).toMatchObject({
      errorClass: 'TransactionStalled',
      message: expect.stringContaining('(topics missing: samenloop.audit.v1)') as unknown,
      during: 'transaction',
    });
  });
});
