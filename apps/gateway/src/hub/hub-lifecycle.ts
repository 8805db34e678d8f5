import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@samenloop/observability';
import { PartnerRegistry } from '@samenloop/partners';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { ROOT_LOGGER } from '../logging';
import { KafkaPolicyEvents } from '../policy/policy-events';
import { PolicyHolder } from '../policy/policy-holder';
import type { HubKeys } from '../keys/hub-keys';
import { HUB_KAFKA, HUB_KEYS } from './hub.tokens';

/**
 * What runs beside the pipeline for the application's lifetime, on every instance, active or
 * standing by: the policy folder watch (which audits the start-up version). It stops before the
 * transport does, so the pipeline's last chunk is the last thing the gateway writes. The clock
 * ticker is the active instance's alone (see `hubTransport`).
 */
@Injectable()
export class HubLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(HUB_KAFKA) private readonly kafka: Kafka,
    @Inject(HUB_KEYS) private readonly keys: HubKeys,
    private readonly policy: PolicyHolder,
    private readonly registry: PartnerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config, logger, kafka, keys } = this;
    await this.policy.watch(
      new KafkaPolicyEvents(kafka, {
        topics: config.topics,
        instanceId: config.instanceId,
        mac: keys.recordMac,
      }),
    );
    logger.info(
      {
        partners: this.registry.partners.map((partner) => partner.id),
        policyVersion: this.policy.current().version,
      },
      'policy gateway started',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.policy.close();
  }
}
