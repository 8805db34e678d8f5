import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import { createLogger } from '@samenloop/observability';
import {
  TransactionalPipeline,
  type ChunkState,
  type PipelineState,
} from './transactional-pipeline';

/**
 * The pipeline's own recovery logic, with kafkajs clients stood in for: whether a crash kafkajs
 * gives up on leads to new clients, and one it recovers from itself does not. Consuming,
 * transactions and restarts against a real broker are in test/messaging and test/faults.
 */
class StandInConsumer {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };
  private readonly emitter = new EventEmitter();
  readonly connect = jest.fn(() => Promise.resolve());
  readonly subscribe = jest.fn(() => Promise.resolve());
  readonly disconnect = jest.fn(() => Promise.resolve());
  readonly run = jest.fn(() => {
    // kafkajs reports the group join after `run` resolves.
    setImmediate(() => this.emitter.emit(this.events.GROUP_JOIN, { payload: {} }));
    return Promise.resolve();
  });

  on(event: string, listener: (event: unknown) => void): void {
    this.emitter.on(event, listener);
  }

  crash(restart: boolean): void {
    const error = new Error('The producer has been fenced or its transaction aborted');
    this.emitter.emit(this.events.CRASH, { payload: { error, restart } });
  }
}

class StandInProducer {
  readonly connect = jest.fn(() => Promise.resolve());
  readonly disconnect = jest.fn(() => Promise.resolve());
}

function pipelineOnStandIns() {
  const consumers: StandInConsumer[] = [];
  const producers: StandInProducer[] = [];
  const kafka = {
    consumer: () => {
      consumers.push(new StandInConsumer());
      return consumers[consumers.length - 1];
    },
    producer: () => {
      producers.push(new StandInProducer());
      return producers[producers.length - 1];
    },
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
    handler: () => Promise.resolve([]),
    chunkState,
    beforeConsuming,
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

    consumers[0]!.crash(false);
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

  it('leaves a crash kafkajs restarts from itself to kafkajs', async () => {
    const { pipeline, consumers, producers, aborted } = pipelineOnStandIns();
    await pipeline.start();
    await until(() => pipeline.state, 'running');

    consumers[0]!.crash(true);

    expect(pipeline.state).toBe('running');
    expect(aborted).not.toHaveBeenCalled();
    expect(consumers).toHaveLength(1);
    expect(producers).toHaveLength(1);
    await pipeline.stop();
  });

  it('does not start again when it crashes while being stopped', async () => {
    const { pipeline, consumers } = pipelineOnStandIns();
    await pipeline.start();
    await until(() => pipeline.state, 'running');
    await pipeline.stop();

    consumers[0]!.crash(false);

    expect(pipeline.state).toBe('stopped');
    expect(consumers).toHaveLength(1);
  });
});
