import { Global, Module, RequestMethod, type DynamicModule } from '@nestjs/common';
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
        // The same pino instance serves Nest's own logs and ours. Its HTTP middleware stays off
        // the only endpoint, the health probe: the request-scoped logger it binds there would
        // switch on Node 20's AsyncLocalStorage hooks for good at the first probe, which then
        // tax every promise the pipeline makes (~3 % of the gateway's CPU).
        LoggerModule.forRoot({
          pinoHttp: { logger, autoLogging: false },
          exclude: [{ method: RequestMethod.ALL, path: 'health' }],
        }),
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
