import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { StartupError } from '@samenloop/errors';
import type { Logger } from '@samenloop/observability';
import { readPartnerKeys } from '@samenloop/partner-side';
import type { ConnectorFileAdapters, ConnectorSettings } from './config/connector-settings';
import {
  CONNECTOR_KAFKA,
  CONNECTOR_LOGGER,
  CONNECTOR_SETTINGS,
  PARTNER_KEYS,
} from './connector.tokens';
import { CorvZorgmeldingHandler } from './corv/corv-zorgmelding.handler';
import { CorvModule } from './corv/corv.module';
import { ExportHandler } from './export/export.handler';
import { ExportModule } from './export/export.module';
import type { FileHandler } from './files/file-handler';
import { FileDropsModule } from './files/file-drops.module';
import { HandOverModule } from './hand-over/hand-over.module';
import { HealthModule } from './health/health.module';
import { InboxModule } from './inbox/inbox.module';
import { connectorKafka } from './kafka/connector-kafka';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { AuthenticationGuard } from './security/authentication.guard';
import { StatusModule } from './status/status.module';
import { SubmissionsModule } from './submissions/submissions.module';
import { ZsmExtractHandler } from './zsm-extract/zsm-extract.handler';
import { ZsmExtractModule } from './zsm-extract/zsm-extract.module';

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
        HandOverModule,
        ...fileAdapterModules(settings.files),
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

/**
 * The file adapters' drop folders that are set, each with its adapter's handler (the outbox is a
 * hand-over, beside the webhook). An adapter's module is imported only when set: each reads its settings (a column map)
 * when it is made.
 */
function fileAdapterModules(files: ConnectorFileAdapters): (DynamicModule | Type)[] {
  const adapters: { module: Type; handler: Type<FileHandler>; directory: string }[] = [];
  if (files.corvInbox !== undefined)
    adapters.push({
      module: CorvModule,
      handler: CorvZorgmeldingHandler,
      directory: files.corvInbox,
    });
  if (files.zsmExtract)
    adapters.push({
      module: ZsmExtractModule,
      handler: ZsmExtractHandler,
      directory: files.zsmExtract.inbox,
    });
  if (files.export)
    adapters.push({ module: ExportModule, handler: ExportHandler, directory: files.export.inbox });
  return adapters.length === 0
    ? []
    : [
        FileDropsModule.forDrops({
          imports: adapters.map((adapter) => adapter.module),
          inject: adapters.map((adapter) => adapter.handler),
          useFactory: (...handlers: FileHandler[]) =>
            handlers.map((handler, index) => ({
              directory: adapters[index]!.directory,
              handler,
            })),
        }),
      ];
}
