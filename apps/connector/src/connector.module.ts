import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { StartupError } from '@samenloop/errors';
import type { Logger } from '@samenloop/observability';
import { readPartnerKeys } from '@samenloop/partner-side';
import type { ConnectorSettings } from './config/connector-settings';
import {
  CONNECTOR_KAFKA,
  CONNECTOR_LOGGER,
  CONNECTOR_SETTINGS,
  PARTNER_KEYS,
} from './connector.tokens';
import { HealthModule } from './health/health.module';
import { InboxModule } from './inbox/inbox.module';
import { connectorKafka } from './kafka/connector-kafka';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { AuthenticationGuard } from './security/authentication.guard';
import { StatusModule } from './status/status.module';
import { SubmissionsModule } from './submissions/submissions.module';
import { WebhookModule } from './webhook/webhook.module';

class UnreadablePartnerKeysError extends StartupError {
  constructor(cause: unknown) {
    super('Cannot read the partner keys', [(cause as Error).message], { cause });
  }
}

/**
 * The connector: its settings, the partner's Kafka login and keys (global, for every feature
 * module), every HTTP call authenticated and every error a problem+json.
 */
@Global()
@Module({})
export class ConnectorModule {
  static forRoot(settings: ConnectorSettings, logger: Logger): DynamicModule {
    return {
      module: ConnectorModule,
      imports: [
        // Access logs stay off: pino-http would log request headers, bearer tokens included.
        LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false } }),
        SubmissionsModule,
        InboxModule,
        StatusModule,
        WebhookModule,
        HealthModule,
      ],
      providers: [
        { provide: CONNECTOR_SETTINGS, useValue: settings },
        { provide: CONNECTOR_LOGGER, useValue: logger },
        {
          provide: CONNECTOR_KAFKA,
          useFactory: () => connectorKafka(settings, logger),
        },
        {
          provide: PARTNER_KEYS,
          useFactory: () =>
            readPartnerKeys(settings.keysDirectory, settings.partnerId).catch((error: unknown) => {
              throw new UnreadablePartnerKeysError(error);
            }),
        },
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        // Also hands record handlers' errors to the pipeline, as the gateway's filter does.
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [CONNECTOR_SETTINGS, CONNECTOR_LOGGER, CONNECTOR_KAFKA, PARTNER_KEYS],
    };
  }
}
