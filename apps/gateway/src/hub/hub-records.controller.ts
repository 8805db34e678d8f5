import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { InboundRecord, OutboundRecord } from '@samenloop/messaging';
import type { HubHandlers } from '../hub-handlers';
import { HUB_RECORD_PATTERNS } from './hub-record-patterns';
import { HUB_HANDLERS } from './hub.tokens';

/** Every record the gateway consumes, by what its topic carries; what a handler returns is written in its chunk's transaction. */
@Controller()
export class HubRecordsController {
  constructor(@Inject(HUB_HANDLERS) private readonly handlers: HubHandlers) {}

  /** A partner's signed submission, from its inbound topic. */
  @EventPattern(HUB_RECORD_PATTERNS.submission)
  onSubmission(@Payload() record: InboundRecord): Promise<readonly OutboundRecord[]> {
    return this.handlers.submissions.handle(record);
  }

  /** The hub's own clock tick: deadlines, alarms, forgetting closed cases. */
  @EventPattern(HUB_RECORD_PATTERNS.clock)
  onClockTick(@Payload() record: InboundRecord): Promise<readonly OutboundRecord[]> {
    return this.handlers.clock.handle(record);
  }

  /** What must reach the audit from outside the pipeline (policy went live or refused, access queries). */
  @EventPattern(HUB_RECORD_PATTERNS.hubEvent)
  onHubEvent(@Payload() record: InboundRecord): Promise<readonly OutboundRecord[]> {
    return this.handlers.hubEvents.handle(record);
  }
}
