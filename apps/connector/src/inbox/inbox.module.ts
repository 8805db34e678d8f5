import { Module } from '@nestjs/common';
import type { PartnerKeys } from '@samenloop/partner-side';
import type { Logger } from '@samenloop/observability';
import type { Kafka } from 'kafkajs';
import type { ConnectorSettings } from '../config/connector-settings';
import {
  CONNECTOR_KAFKA,
  CONNECTOR_LOGGER,
  CONNECTOR_SETTINGS,
  CONNECTOR_TRANSPORT,
  PARTNER_KEYS,
} from '../connector.tokens';
import { Inbox } from './inbox';
import { InboxIntake } from './inbox-intake';
import { InboxRecordsController } from './inbox-records.controller';
import { inboxTransport } from './inbox-transport';
import { KafkaInbox } from './kafka-inbox';
import { MessageAnswers } from './message-answers';
import { ReceivedController } from './received.controller';

/**
 * Receiving: the pipeline from the partner's delivery topic into its inbox (`CONNECTOR_TRANSPORT`,
 * to connect as the app's microservice), the inbox it fills, and `/v1/ontvangen`.
 */
@Module({
  controllers: [InboxRecordsController, ReceivedController],
  providers: [
    KafkaInbox,
    { provide: Inbox, useExisting: KafkaInbox },
    { provide: MessageAnswers, useExisting: KafkaInbox },
    InboxIntake,
    {
      provide: CONNECTOR_TRANSPORT,
      inject: [
        CONNECTOR_SETTINGS,
        CONNECTOR_KAFKA,
        PARTNER_KEYS,
        CONNECTOR_LOGGER,
        KafkaInbox,
        InboxIntake,
      ],
      useFactory: (
        settings: ConnectorSettings,
        kafka: Kafka,
        keys: PartnerKeys,
        logger: Logger,
        inbox: KafkaInbox,
        intake: InboxIntake,
      ) => inboxTransport({ settings, kafka, keys, logger, inbox, intake }),
    },
  ],
  exports: [Inbox, MessageAnswers, CONNECTOR_TRANSPORT],
})
export class InboxModule {}
