import type { CaseRecord } from '@samenloop/case';
import type { Delivered, Routing } from '../../routing/message-router';
import type { RoutedMessage } from '../../routing/routed-message';
import type { Sealed } from '../../waiting/delivery-dispatcher';
import type { SubmissionSteps } from '../submission-options';

/**
 * A decided message's deliveries, each signed by the hub and encrypted to its recipient alone
 * (or waiting for its key), and an audit record per decision. `caseRecord` is the thread as it
 * was before these deliveries.
 */
export function seal(
  steps: SubmissionSteps,
  message: RoutedMessage,
  routing: Routing,
  caseRecord: CaseRecord,
  delivered: readonly Delivered[],
  time: Date,
): Promise<Sealed> {
  return steps.dispatcher.seal(
    steps.router.buildRecords(message, routing, caseRecord, delivered, time),
    time,
  );
}
