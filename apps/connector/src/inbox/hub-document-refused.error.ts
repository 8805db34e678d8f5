import { PoisonRecordError } from '@samenloop/messaging';
import { REFUSAL_EXPLANATIONS, type RefusalReason } from '@samenloop/partner-side';

/** A delivery-topic record that does not open as a hub document: dead-lettered, never shown. */
export class HubDocumentRefusedError extends PoisonRecordError {
  constructor(readonly reason: Exclude<RefusalReason, 'already-received'>) {
    super(`${reason}: ${REFUSAL_EXPLANATIONS[reason]}`, 'open-hub-document');
  }
}
