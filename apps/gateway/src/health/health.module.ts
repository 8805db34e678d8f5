import { Module } from '@nestjs/common';
import { SubmissionsModule } from '../submissions/submissions.module';
import { HealthController } from './health.controller';

@Module({ imports: [SubmissionsModule], controllers: [HealthController] })
export class HealthModule {}
