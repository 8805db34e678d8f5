import 'reflect-metadata';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { exitOnStartFailure } from '@samenloop/errors';
import { createLogger } from '@samenloop/observability';
import { parseConnectorSettings } from './config/connector-config';
import { ConnectorModule } from './connector.module';
import { CONNECTOR_TRANSPORT } from './connector.tokens';
import { setupOpenApi } from './openapi/setup-openapi';
import { connectorHttpsOptions } from './security/connector-https';

/** A submission's sealed record must stay below the inbound topic's limit (the gateway's 512 KiB). */
const MAX_BODY = '512kb';

async function bootstrap(): Promise<void> {
  // The only place the connector reads the environment.
  const settings = parseConnectorSettings(process.env);
  const logger = createLogger('connector', settings.logLevel).child({
    partnerId: settings.partnerId,
  });
  const app = await NestFactory.create<NestExpressApplication>(
    ConnectorModule.forRoot(settings, logger),
    { httpsOptions: connectorHttpsOptions(settings), bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: MAX_BODY });
  // SIGTERM/SIGINT: finish what is in flight, close the Kafka clients, then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // The contract first: it reads the routes, and its middleware must precede Nest's 404.
  setupOpenApi(app, settings);
  // The receive pipeline: the partner's delivery topic into its inbox, on the hub's own transport.
  app.connectMicroservice<MicroserviceOptions>(
    { strategy: app.get(CONNECTOR_TRANSPORT) },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  // Restores the submissions (bootstrap hooks) before it listens: /health answers once ready.
  await app.listen(settings.http.port, settings.http.host);
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  logger.info(
    {
      api: `https://${settings.http.host}:${port}/v1`,
      authentication: settings.authentication.mode,
    },
    'connector ready',
  );
}

bootstrap().catch(exitOnStartFailure('connector'));
