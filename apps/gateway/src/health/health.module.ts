import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SubmissionsModule } from '../submissions/submissions.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule, SubmissionsModule], controllers: [HealthController] })
export class HealthModule {}
