import type { Submission } from '@samenloop/contracts';
import type { Partner } from '@samenloop/partners';
import {
  caseMessageOf,
  decideInCase,
  type CaseMessage,
  type DecidedInCase,
} from '@samenloop/policy';
import type { RoutedMessage } from '../../routing/routed-message';
import { SubmissionRejected } from '../errors/submission-rejected';
import { validSubmission } from '../intake/intake-state';
import type { SubmissionSteps } from '../submission-options';

/** A submission decided in its case thread: the stage it moves to and who receives what. */
export interface Decided {
  readonly message: RoutedMessage;
  readonly inCase: CaseMessage;
  readonly decision: DecidedInCase;
}

/**
 * What the case makes of the submission, without changing it yet. A message id accepted before is
 * a duplicate, unless it is the release of its held part for VT; a stage the case cannot move to
 * is refused.
 */
export function decideInItsCase(
  steps: SubmissionSteps,
  submission: Submission,
  sender: Partner,
): Decided {
  const { ledger } = steps;
  const inCase = caseMessageOf(submission, sender);
  const decision = decideInCase(
    { ledger, policy: steps.policy(), registry: steps.registry },
    inCase,
  );
  if (decision.outcome !== 'released' && ledger.caseOfMessage(submission.envelope.id)) {
    throw new SubmissionRejected(
      'deduplicate',
      [
        {
          code: 'duplicate',
          path: '/id',
          message: 'this message id was accepted before; it is not delivered again',
        },
      ],
      validSubmission(submission),
    );
  }
  if (decision.outcome === 'rejected')
    throw new SubmissionRejected(
      'stage',
      [{ code: decision.code, message: decision.reason }],
      validSubmission(submission),
    );
  return { message: routedMessageOf(submission, sender), inCase, decision };
}

function routedMessageOf(submission: Submission, sender: Partner): RoutedMessage {
  const { envelope } = submission;
  return {
    id: envelope.id,
    type: submission.messageType,
    dataschema: envelope.dataschema,
    occurredAt: envelope.data.occurredAt,
    zaakReferenties: envelope.data.zaakReferenties,
    traceparent: envelope.traceparent,
    payload: submission.payload as unknown as Record<string, unknown>,
    sender,
  };
}
