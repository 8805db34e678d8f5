import { PoisonRecordError } from '@samenloop/messaging';

/**
 * The hub built a document its own published contract refuses: a fault in the hub or its policy,
 * never in the sender's message. It leaves nothing half-sent; the sender is answered (undeliverable)
 * and the operator alerted, instead of the message ending as an unexplained dead letter.
 */
export class HubContractError extends PoisonRecordError {
  constructor(
    /** What the hub was building, e.g. `delivery to VT-ZOB`. */
    readonly document: string,
    /** The schema paths it broke: ids and paths, never values. */
    readonly paths: readonly string[],
  ) {
    super(`the hub's ${document} does not meet its contract at ${paths.join(', ')}`, 'seal');
  }
}
