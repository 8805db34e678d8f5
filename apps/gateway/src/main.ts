import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { TransactionalKafkaServer } from '@samenloop/messaging/nest';
import { loadGatewayConfig } from './config/gateway-config';
import { GatewayModule } from './gateway.module';
import { createGatewayLogger } from './logging';
import { exitOnStartFailure } from './start-failure';

async function bootstrap(): Promise<void> {
  // The only place the gateway reads the environment.
  const config = loadGatewayConfig(process.env);
  const logger = createGatewayLogger(config);
  // Start-up errors (the hub's parts are built here) reach the catch below instead of aborting.
  const app = await NestFactory.create(GatewayModule.forRoot(config, logger), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  // SIGTERM/SIGINT: finish the chunk in flight, commit it, leave the group, then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // The app's config (its global pipeline-errors filter) serves the record handlers too.
  app.connectMicroservice<MicroserviceOptions>(
    { strategy: app.get(TransactionalKafkaServer) },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  // Runs the bootstrap hooks (policy watch, clock ticker) once the pipeline consumes, then serves /health.
  await app.listen(config.http.port, config.http.host);
  const server = app.getHttpAdapter().getHttpServer() as Server;
  const { port } = server.address() as AddressInfo;
  logger.info(
    { health: `http://${config.http.host}:${port}/health`, deadLetter: config.topics.deadLetter },
    'gateway ready',
  );
}

bootstrap().catch(exitOnStartFailure);
