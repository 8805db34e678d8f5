import { EventEmitter } from 'node:events';
import { Controller, type INestMicroservice, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { EachBatchPayload, IHeaders, Kafka, ProducerBatch } from 'kafkajs';
import { of, type Observable } from 'rxjs';
import { createLogger } from '@samenloop/observability';
import { DEAD_LETTER_HEADERS } from '../dead-letter';
import { PoisonRecordError, TransientProcessingError } from '../errors';
import type { InboundRecord, OutboundRecord } from '../records';
import { KafkaRecordContext } from './kafka-record.context';
import { PatternHandlersError } from './pattern-handlers';
import { PipelineErrorsFilter } from './pipeline-errors.filter';
import { TransactionalKafkaServer } from './transactional-kafka.server';

/**
 * The transport inside a Nest app, on a real `TransactionalPipeline` whose kafkajs clients are
 * stood in for: what handlers return or throw reaches the pipeline's transaction, retry and
 * dead-letter paths as it would from a plain `RecordHandler`. Against the real broker it runs in
 * every gateway integration test.
 */
const INBOUND = 'samenloop.in.politie-ob.v1';
const CLOCK = 'samenloop.clock.v1';
const DEAD_LETTER = 'samenloop.deadletter.v1';

/** Fetches batches for the pipeline as kafkajs's consumer would, and records what it committed. */
class StandInKafka {
  readonly sent: ProducerBatch[] = [];
  private eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  private readonly consumerEvents = new EventEmitter();

  readonly client = {
    consumer: () => ({
      events: { GROUP_JOIN: 'group_join', CRASH: 'crash' },
      on: (event: string, listener: () => void) => this.consumerEvents.on(event, listener),
      connect: () => Promise.resolve(),
      subscribe: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      run: (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
        this.eachBatch = config.eachBatch;
        setImmediate(() => this.consumerEvents.emit('group_join'));
        return Promise.resolve();
      },
    }),
    producer: () => ({
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      transaction: () =>
        Promise.resolve({
          sendBatch: (batch: ProducerBatch) => {
            this.sent.push(batch);
            return Promise.resolve();
          },
          sendOffsets: () => Promise.resolve(),
          commit: () => Promise.resolve(),
          abort: () => Promise.resolve(),
        }),
    }),
  } as unknown as Kafka;

  /** One fetched batch of `topic`, one record per value, from offset 0. */
  deliver(topic: string, ...values: string[]): Promise<void> {
    return this.eachBatch!({
      batch: {
        topic,
        partition: 0,
        messages: values.map((value, offset) => ({
          offset: String(offset),
          key: null,
          value: Buffer.from(value),
          headers: {},
          timestamp: '0',
        })),
      },
      isRunning: () => true,
      isStale: () => false,
      resolveOffset: () => undefined,
      heartbeat: () => Promise.resolve(),
    } as unknown as EachBatchPayload);
  }

  /** Every record committed so far, by topic. */
  committed(topic: string): { value: string; headers: IHeaders }[] {
    return this.sent.flatMap((batch) =>
      batch
        .topicMessages!.filter((sent) => sent.topic === topic)
        .flatMap((sent) =>
          sent.messages.map((message) => ({
            value: String(message.value),
            headers: message.headers ?? {},
          })),
        ),
    );
  }
}

/** Fails the first time it sees a record saying "flaky": the broker or a dependency was away. */
let flakyAttempts = 0;

@Controller()
class RecordsController {
  @EventPattern('submission')
  onSubmission(
    @Payload() record: InboundRecord,
    @Ctx() context: KafkaRecordContext,
  ): Promise<OutboundRecord[]> {
    const value = String(record.value);
    if (value === 'poison') throw new PoisonRecordError('signature does not verify', 'verify');
    if (value === 'flaky' && flakyAttempts++ === 0)
      throw new TransientProcessingError('key store unavailable', 'encrypt');
    const where = `${context.getTopic()}/${context.getPartition()}@${context.getOffset()}`;
    return Promise.resolve([
      { topic: 'samenloop.out.om.v1', key: null, value: `${value} ${where}` },
    ]);
  }

  @EventPattern('clock')
  onTick(@Payload() record: InboundRecord): Observable<OutboundRecord[]> {
    return of([{ topic: 'samenloop.audit.v1', key: null, value: `tick ${String(record.value)}` }]);
  }
}

@Controller()
class SecondSubmissionController {
  @EventPattern('submission')
  onSubmission(): OutboundRecord[] {
    return [];
  }
}

@Controller()
class StrayController {
  @EventPattern('parked')
  onParked(): OutboundRecord[] {
    return [];
  }

  @MessagePattern('clock')
  onTick(): OutboundRecord[] {
    return [];
  }
}

async function serverIn(
  controllers: Type[],
): Promise<{ app: INestMicroservice; kafka: StandInKafka; server: TransactionalKafkaServer }> {
  const kafka = new StandInKafka();
  const server = new TransactionalKafkaServer({
    pipeline: {
      kafka: kafka.client,
      logger: createLogger('test', 'fatal'),
      groupId: 'gateway',
      transactionalId: 'gateway-1',
      deadLetterTopic: DEAD_LETTER,
      maxDeadLetterOriginalBytes: 1024 * 1024,
      deadLetterKey: (key) => `pseudonym(${key.toString()})`,
    },
    patterns: { submission: [INBOUND], clock: [CLOCK] },
  });
  const moduleRef = await Test.createTestingModule({
    controllers,
    providers: [{ provide: APP_FILTER, useClass: PipelineErrorsFilter }],
  }).compile();
  const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
  return { app, kafka, server };
}

describe(TransactionalKafkaServer.name, () => {
  let app: INestMicroservice | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    flakyAttempts = 0;
  });

  it("writes what each record's handler returns, promise or observable, in the chunk's transaction", async () => {
    const running = await serverIn([RecordsController]);
    app = running.app;
    await app.listen();

    await running.kafka.deliver(INBOUND, 'first', 'second');
    await running.kafka.deliver(CLOCK, '2026-12-03T06:00:00Z');

    expect(running.kafka.sent).toHaveLength(2);
    expect(running.kafka.committed('samenloop.out.om.v1').map(({ value }) => value)).toEqual([
      `first ${INBOUND}/0@0`,
      `second ${INBOUND}/0@1`,
    ]);
    expect(running.kafka.committed('samenloop.audit.v1')).toEqual([
      { value: 'tick 2026-12-03T06:00:00Z', headers: {} },
    ]);
  });

  it('dead-letters a record whose handler throws a PoisonRecordError, naming its class and step', async () => {
    const running = await serverIn([RecordsController]);
    app = running.app;
    await app.listen();

    await running.kafka.deliver(INBOUND, 'poison', 'fine');

    const [deadLetter, ...more] = running.kafka.committed(DEAD_LETTER);
    expect(more).toEqual([]);
    expect(deadLetter?.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.failedStep]: 'verify',
      [DEAD_LETTER_HEADERS.errorClass]: 'PoisonRecordError',
      [DEAD_LETTER_HEADERS.errorMessage]: 'signature does not verify',
      [DEAD_LETTER_HEADERS.sourceOffset]: '0',
    });
    expect(running.kafka.committed('samenloop.out.om.v1')).toHaveLength(1);
  });

  it('hands a retriable error to the pipeline unchanged, which retries the chunk without committing', async () => {
    const running = await serverIn([RecordsController]);
    app = running.app;
    await app.listen();

    const failed = running.kafka.deliver(INBOUND, 'flaky');
    await expect(failed).rejects.toBeInstanceOf(TransientProcessingError);
    await expect(failed).rejects.toMatchObject({ retriable: true, step: 'encrypt' });
    expect(running.kafka.sent).toEqual([]);

    // kafkajs fetches the same batch again.
    await running.kafka.deliver(INBOUND, 'flaky');
    expect(running.kafka.committed('samenloop.out.om.v1').map(({ value }) => value)).toEqual([
      `flaky ${INBOUND}/0@0`,
    ]);
    expect(running.kafka.committed(DEAD_LETTER)).toEqual([]);
  });

  it('reports the pipeline state and health once listening', async () => {
    const running = await serverIn([RecordsController]);
    app = running.app;
    expect(running.server.health).toBeUndefined();

    await app.listen();

    expect(running.server.health).toMatchObject({ restarts: 0 });
    expect(['starting', 'running']).toContain(running.server.state);
  });

  it('does not start when a configured pattern has no handler', async () => {
    const running = await serverIn([SecondSubmissionController]);
    app = running.app;

    const listening = app.listen();

    await expect(listening).rejects.toBeInstanceOf(PatternHandlersError);
    await expect(listening).rejects.toThrow("no @EventPattern handler for 'clock'");
  });

  it('does not start when a pattern has two handlers, since one record has one output', async () => {
    const running = await serverIn([RecordsController, SecondSubmissionController]);
    app = running.app;

    await expect(app.listen()).rejects.toThrow(
      "more than one @EventPattern handler for 'submission'",
    );
  });

  it('does not start with handlers for patterns no topic carries or request-response handlers', async () => {
    const running = await serverIn([SecondSubmissionController, StrayController]);
    app = running.app;

    await expect(app.listen()).rejects.toThrow(
      "the transactional Kafka transport cannot start: a handler for 'parked', which no configured topic carries; " +
        "'clock' is a @MessagePattern: records have no one to reply to.",
    );
  });

  it('refuses a topic configured for two patterns', () => {
    expect(
      () =>
        new TransactionalKafkaServer({
          pipeline: {} as never,
          patterns: { submission: [INBOUND], clock: [CLOCK, INBOUND] },
        }),
    ).toThrow(`topic ${INBOUND} is configured for both 'submission' and 'clock'`);
  });
});
