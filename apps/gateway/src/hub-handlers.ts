import type { AlarmSettings, CaseLedger } from '@samenloop/case';
import type { ContractValidator } from '@samenloop/contracts';
import type { TopicNames } from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import { hubSender, type PartnerRegistry } from '@samenloop/partners';
import type { Policy } from '@samenloop/policy';
import { HubAlerts } from './alerts/hub-alerts';
import { ClockHandler } from './clock/clock-handler';
import { HubEventsHandler } from './hub-events/hub-events.handler';
import type { HubKeys } from './keys/hub-keys';
import { MessageRouter } from './routing/message-router';
import { SubmissionHandler } from './submissions/submission-handler';
import { DeliveryDispatcher } from './waiting/delivery-dispatcher';
import type { WaitingDeliveries } from './waiting/waiting-deliveries';

export interface HubHandlerOptions {
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
  /** The policy in force now; a hot reload swaps what this returns. */
  readonly policy: () => Policy;
  readonly ledger: CaseLedger;
  readonly keys: HubKeys;
  /** Deliveries waiting for their recipient's key, restored and committed with the pipeline. */
  readonly waiting: WaitingDeliveries;
  readonly hubOin: string;
  readonly maxMessageBytes: number;
  readonly alarmSettings: AlarmSettings;
  /** How long after it closed a case is forgotten (see `ClockHandler`). */
  readonly closedCaseRetentionMs: number;
  readonly topics: TopicNames;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface HubHandlers {
  readonly submissions: SubmissionHandler;
  readonly clock: ClockHandler;
  readonly hubEvents: HubEventsHandler;
}

/** The gateway's record handlers, wired to one router, one ledger, one set of keys and of waiting deliveries. */
export function createHubHandlers(options: HubHandlerOptions): HubHandlers {
  const hubSource = `urn:nld:oin:${options.hubOin}:systeem:samenloop`;
  const dispatcher = new DeliveryDispatcher({ ...options, hubSource });
  const router = new MessageRouter({ ...options, pseudonyms: options.keys.pseudonyms });
  const alerts = new HubAlerts(
    router,
    dispatcher,
    options.validator,
    hubSender(options.hubOin),
    options.logger,
  );
  const submissions = new SubmissionHandler({
    ...options,
    hubSource,
    router,
    dispatcher,
    alerts,
  });
  const clock = new ClockHandler(options.ledger, alerts, dispatcher, options.logger, {
    closedCaseRetentionMs: options.closedCaseRetentionMs,
    mac: options.keys.recordMac,
  });
  const hubEvents = new HubEventsHandler(
    options.topics,
    alerts,
    options.logger,
    options.keys.recordMac,
  );
  return { submissions, clock, hubEvents };
}
