import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  TransactionalPipeline,
  createKafka,
  ensureTopics,
  type PipelineState,
} from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { ROOT_LOGGER } from '../logging';
import { forwardToOutbound } from './forward-to-outbound';

/** Runs the inbound → outbound pipeline for the lifetime of the Nest application. */
@Injectable()
export class RelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly kafka;
  private readonly pipeline: TransactionalPipeline;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.kafka = createKafka(config.kafka, logger);
    this.pipeline = new TransactionalPipeline({
      kafka: this.kafka,
      logger,
      groupId: config.consumerGroupId,
      sessionTimeoutMs: config.sessionTimeoutMs,
      transactionalId: config.transactionalId,
      topics: [config.topics.inbound],
      deadLetterTopic: config.topics.deadLetter,
      handler: forwardToOutbound(config.topics.outbound),
    });
  }

  get state(): PipelineState {
    return this.pipeline.state;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { inbound, outbound, deadLetter } = this.config.topics;
    await ensureTopics(this.kafka, [
      { topic: inbound },
      { topic: outbound },
      { topic: deadLetter },
    ]);
    await this.pipeline.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pipeline.stop();
  }
}
