import { Module } from '@nestjs/common';
import { TransactionalKafkaServer } from '@samenloop/messaging/nest';
import { HubLifecycle } from './hub-lifecycle';
import { HubRecordsController } from './hub-records.controller';
import { hubProviders } from './hub.providers';

/** The policy gateway's hub: its parts, the transport that runs them, and the handlers it routes records to. */
@Module({
  controllers: [HubRecordsController],
  providers: [...hubProviders, HubLifecycle],
  exports: [TransactionalKafkaServer],
})
export class HubModule {}
