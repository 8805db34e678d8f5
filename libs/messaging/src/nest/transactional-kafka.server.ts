import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom, toArray } from 'rxjs';
import type { InboundRecord, OutboundRecord } from '../records';
import {
  TransactionalPipeline,
  type PipelineHealth,
  type PipelineState,
  type TransactionalPipelineOptions,
} from '../transactional-pipeline';
import { KafkaRecordContext } from './kafka-record.context';
import {
  handlerPerPattern,
  patternsByTopic,
  type PatternHandler,
  type TopicsByPattern,
} from './pattern-handlers';

export interface TransactionalKafkaServerOptions {
  /** The pipeline's settings; its topics come from `patterns`, its handler from Nest. */
  readonly pipeline: Omit<TransactionalPipelineOptions, 'topics' | 'handler'>;
  /** Which topics carry which pattern, e.g. `{ clock: ['samenloop.clock.v1'] }`. */
  readonly patterns: TopicsByPattern;
}

/**
 * The exactly-once pipeline as a Nest transport: each consumed record goes to the
 * `@EventPattern` handler of its topic's pattern, and the records that handler returns are written
 * in the transaction that commits the record's offset. Errors keep the pipeline's meaning (see
 * `PipelineErrorsFilter`): retriable ones retry the chunk, any other dead-letters the record.
 */
export class TransactionalKafkaServer extends Server implements CustomTransportStrategy {
  private pipeline: TransactionalPipeline | undefined;
  private readonly patternOfTopic: ReadonlyMap<string, string>;

  constructor(private readonly options: TransactionalKafkaServerOptions) {
    super();
    this.patternOfTopic = patternsByTopic(options.patterns);
  }

  get state(): PipelineState {
    return this.pipeline?.state ?? 'idle';
  }

  /** The pipeline's health; undefined until `listen` has built the pipeline. */
  get health(): PipelineHealth | undefined {
    return this.pipeline?.health;
  }

  /** Checks the handlers Nest registered, then starts consuming; start-up errors go to `callback`. */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const handlers = handlerPerPattern(this.options.patterns, this.getHandlers());
      this.pipeline = new TransactionalPipeline({
        ...this.options.pipeline,
        topics: [...this.patternOfTopic.keys()],
        handler: (record) => this.dispatch(handlers, record),
      });
      await this.pipeline.start();
    } catch (error) {
      callback(error);
      return;
    }
    callback();
  }

  /** Finishes the chunk in flight, commits it and leaves the consumer group. */
  async close(): Promise<void> {
    await this.pipeline?.stop();
  }

  on(): never {
    throw new Error('TransactionalKafkaServer emits no events; read its `state` and `health`');
  }

  unwrap<T>(): T {
    if (!this.pipeline) throw new Error('TransactionalKafkaServer is not listening yet');
    return this.pipeline as T;
  }

  private async dispatch(
    handlers: ReadonlyMap<string, PatternHandler>,
    record: InboundRecord,
  ): Promise<readonly OutboundRecord[]> {
    // Only configured topics are subscribed, and start-up checked each pattern has its handler.
    const handler = handlers.get(this.patternOfTopic.get(record.topic) ?? '')!;
    const context = new KafkaRecordContext([record.topic, record.partition, record.offset]);
    // Nest's proxy turns a thrown error into an erroring observable: awaiting it rethrows the error.
    const result = await handler(record, context);
    const emitted = isObservable(result) ? await lastValueFrom(result.pipe(toArray())) : [result];
    return emitted.flatMap((records) => records ?? []);
  }
}
