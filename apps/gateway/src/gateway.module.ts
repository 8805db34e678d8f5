import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { PipelineErrorsFilter } from '@samenloop/messaging/nest';
import type { Logger } from '@samenloop/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config';
import { HealthModule } from './health/health.module';
import { HubModule } from './hub/hub.module';
import { ROOT_LOGGER } from './logging';

@Global()
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        // The same pino instance serves Nest's own logs and ours; HTTP access logs are off
        // because the only endpoint is the health probe.
        LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false } }),
        HubModule,
        HealthModule,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: ROOT_LOGGER, useValue: logger },
        // Record handlers' errors reach the pipeline as thrown: it decides retry or dead letter.
        { provide: APP_FILTER, useClass: PipelineErrorsFilter },
      ],
      exports: [GATEWAY_CONFIG, ROOT_LOGGER],
    };
  }
}
