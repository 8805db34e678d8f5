import { Module } from '@nestjs/common';
import { InboxModule } from '../inbox/inbox.module';
import { StatusController } from './status.controller';

/**
 * `GET /v1/berichten/{id}`: the submissions module's `SubmittedMessages` (provided app-wide) with the
 * hub's answers in the inbox.
 */
@Module({
  imports: [InboxModule],
  controllers: [StatusController],
})
export class StatusModule {}
