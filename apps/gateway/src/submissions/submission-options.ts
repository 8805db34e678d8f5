import type { AlarmSettings, CaseLedger } from '@samenloop/case';
import type { ContractValidator } from '@samenloop/contracts';
import type { KeyPseudonym, TopicNames } from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { PartnerRegistry } from '@samenloop/partners';
import type { Policy } from '@samenloop/policy';
import type { HubAlerts } from '../alerts/hub-alerts';
import type { HubKeys } from '../keys/hub-keys';
import type { MessageRouter } from '../routing/message-router';
import type { DeliveryDispatcher } from '../waiting/delivery-dispatcher';
import type { WaitingDeliveries } from '../waiting/waiting-deliveries';

export interface SubmissionHandlerOptions {
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
  readonly ledger: CaseLedger;
  /** The policy in force now; a hot reload swaps what this returns. */
  readonly policy: () => Policy;
  readonly router: MessageRouter;
  readonly dispatcher: DeliveryDispatcher;
  readonly alerts: HubAlerts;
  readonly alarmSettings: AlarmSettings;
  readonly keys: HubKeys;
  readonly waiting: WaitingDeliveries;
  /** The hub's CloudEvents source, `urn:nld:oin:<OIN>:systeem:samenloop`. */
  readonly hubSource: string;
  readonly maxMessageBytes: number;
  readonly topics: TopicNames;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** What the submission path's steps share: the handler's options, with its pseudonym of record keys. */
export interface SubmissionSteps extends SubmissionHandlerOptions {
  /** What the hub keys its records by instead of a sender's record key, which may name a case. */
  readonly keyPseudonym: KeyPseudonym;
}
