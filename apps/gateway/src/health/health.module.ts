import { Module } from '@nestjs/common';
import { HubModule } from '../hub/hub.module';
import { HealthController } from './health.controller';

@Module({ imports: [HubModule], controllers: [HealthController] })
export class HealthModule {}
