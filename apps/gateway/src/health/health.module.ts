import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RelayModule } from '../relay/relay.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule, RelayModule], controllers: [HealthController] })
export class HealthModule {}
