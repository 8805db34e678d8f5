import { Module } from '@nestjs/common';
import { InboxModule } from '../inbox/inbox.module';
import { HealthController } from './health.controller';

@Module({ imports: [InboxModule], controllers: [HealthController] })
export class HealthModule {}
