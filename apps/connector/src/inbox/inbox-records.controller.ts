import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { InboundRecord, OutboundRecord } from '@samenloop/messaging';
import { InboxIntake } from './inbox-intake';

/** What the partner's delivery topic carries, as the receive pipeline's pattern names it. */
export const HUB_DOCUMENT_PATTERN = 'hub-document';

/**
 * Every record of the partner's delivery topic; what the handler returns is written in the
 * transaction that commits the record's offset. The app's `ProblemDetailsFilter` hands a handler's
 * errors to the pipeline unchanged.
 */
@Controller()
export class InboxRecordsController {
  constructor(private readonly intake: InboxIntake) {}

  @EventPattern(HUB_DOCUMENT_PATTERN)
  onHubDocument(@Payload() record: InboundRecord): Promise<readonly OutboundRecord[]> {
    return this.intake.receive(record);
  }
}
