import { Global, Module, type INestApplication } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ensureTopics, topicNames } from '@samenloop/messaging';
import { createLogger } from '@samenloop/observability';
import { readPartnerKeys } from '@samenloop/partner-side';
import type { Kafka } from 'kafkajs';
import type { ConnectorSettings } from '../../apps/connector/src/config/connector-settings';
import {
  CONNECTOR_KAFKA,
  CONNECTOR_LOGGER,
  CONNECTOR_SETTINGS,
  CONNECTOR_TRANSPORT,
  PARTNER_KEYS,
} from '../../apps/connector/src/connector.tokens';
import { InboxModule } from '../../apps/connector/src/inbox/inbox.module';
import { connectorTopicSpecs } from '../../apps/connector/src/kafka/connector-kafka';
import { ProblemDetailsFilter } from '../../apps/connector/src/problem/problem-details.filter';
import { StatusModule } from '../../apps/connector/src/status/status.module';
import {
  SubmittedMessages,
  type SubmittedMessage,
} from '../../apps/connector/src/submissions/submitted-messages';

/** What the receiving side reads of the settings; the rest belongs to submitting and the HTTP edge. */
export type InboxConnectorSettings = Pick<
  ConnectorSettings,
  'partnerId' | 'topics' | 'topicNamespace'
>;

/** Stands in for the submissions module: the test says which messages "were submitted". */
export class TestSubmittedMessages extends SubmittedMessages {
  private readonly messages = new Map<string, SubmittedMessage>();

  add(messageId: string, type: string): void {
    this.messages.set(messageId, { messageId, type, submittedAt: new Date().toISOString() });
  }

  find(messageId: string): SubmittedMessage | undefined {
    return this.messages.get(messageId);
  }
}

/** A connector's receiving side (inbox and status) with test stand-ins for what the app module provides. */
export interface InboxConnector {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly submitted: TestSubmittedMessages;
  readonly settings: InboxConnectorSettings;
  close(): Promise<void>;
}

export interface InboxConnectorOptions {
  readonly partnerId: string;
  readonly topicNamespace: string;
  readonly keysDirectory: string;
  readonly kafka: Kafka;
  /** Default 0: any free port. */
  readonly port?: number;
  readonly logLevel?: 'info' | 'warn';
}

/**
 * `InboxModule` and `StatusModule` as the connector runs them: the receive pipeline connected as
 * the app's microservice (config inherited), the HTTP side listening on loopback.
 */
export async function startInboxConnector(options: InboxConnectorOptions): Promise<InboxConnector> {
  const settings: InboxConnectorSettings = {
    partnerId: options.partnerId,
    topics: topicNames(options.topicNamespace),
    topicNamespace: options.topicNamespace,
  };
  // What the app's Kafka client does at start: the connector's topics, as it configures them.
  await ensureTopics(options.kafka, connectorTopicSpecs(settings));
  const submitted = new TestSubmittedMessages();
  const keys = await readPartnerKeys(options.keysDirectory, options.partnerId);

  @Global()
  @Module({
    providers: [
      { provide: CONNECTOR_SETTINGS, useValue: settings },
      { provide: CONNECTOR_KAFKA, useValue: options.kafka },
      { provide: PARTNER_KEYS, useValue: keys },
      {
        provide: CONNECTOR_LOGGER,
        useValue: createLogger('connector', options.logLevel ?? 'warn').child({
          partnerId: options.partnerId,
        }),
      },
      { provide: SubmittedMessages, useValue: submitted },
      // As the app registers it: problem+json for HTTP, handlers' errors to the pipeline unchanged.
      { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    ],
    exports: [
      CONNECTOR_SETTINGS,
      CONNECTOR_KAFKA,
      PARTNER_KEYS,
      CONNECTOR_LOGGER,
      SubmittedMessages,
    ],
  })
  class TestConnectorParts {}

  const moduleRef = await Test.createTestingModule({
    imports: [TestConnectorParts, InboxModule, StatusModule],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  app.connectMicroservice<MicroserviceOptions>(
    { strategy: app.get(CONNECTOR_TRANSPORT) },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(options.port ?? 0, '127.0.0.1');
  return {
    app,
    baseUrl: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    submitted,
    settings,
    close: () => app.close(),
  };
}
