import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from '@samenloop/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config';
import { HealthModule } from './health/health.module';
import { ROOT_LOGGER } from './logging';
import { SubmissionsModule } from './submissions/submissions.module';

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
        SubmissionsModule,
        HealthModule,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: ROOT_LOGGER, useValue: logger },
      ],
      exports: [GATEWAY_CONFIG, ROOT_LOGGER],
    };
  }
}
