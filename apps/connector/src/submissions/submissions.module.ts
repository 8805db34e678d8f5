import { Global, Module } from '@nestjs/common';
import { SubmittedMessages } from './submitted-messages';
import { SubmissionProducer } from './submission.producer';
import { SubmissionService } from './submission.service';
import { SubmissionsController } from './submissions.controller';
import { SubmissionsState } from './submissions-state';

/**
 * `POST /v1/berichten` and the submissions it made: `SubmittedMessages`, global for the status
 * API, which tells a submission's fate from the hub's answers in the inbox; `SubmissionService`,
 * global for the file adapters, which submit what they read the same way.
 */
@Global()
@Module({
  controllers: [SubmissionsController],
  providers: [
    SubmissionProducer,
    SubmissionService,
    SubmissionsState,
    { provide: SubmittedMessages, useExisting: SubmissionsState },
  ],
  exports: [SubmittedMessages, SubmissionService],
})
export class SubmissionsModule {}
