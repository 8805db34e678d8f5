import type { Submission } from '@samenloop/contracts';
import { isRetriable } from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import { HubContractError } from '../../routing/hub-contract-error';
import { traceIdOf } from '../trace-id';
import { SubmissionRejected, type RejectedSubmission } from './submission-rejected';

/**
 * Every error on a submission's way decided in one place. Retriable errors (the broker, a key
 * that became unusable mid-way) are thrown again so the pipeline handles the record again; a
 * refusal stays what its step said; anything else is the hub's own fault after all — a document
 * its contract refuses, or a plain error from routing or alerts — and is answered as
 * undeliverable, so the sender is never left with a silent dead letter.
 */
export function rejectionOf(
  error: unknown,
  /** The submission once intake accepted it: until then its sender is not verified. */
  submission: Submission | undefined,
  logger: Logger,
): SubmissionRejected {
  if (error instanceof SubmissionRejected) return error;
  if (isRetriable(error)) throw error;
  const about: RejectedSubmission = submission
    ? {
        messageId: submission.envelope.id,
        traceparent: submission.envelope.traceparent,
        senderVerified: true,
      }
    : { senderVerified: false };
  const context = {
    ...(about.messageId ? { messageId: about.messageId } : {}),
    ...(about.traceparent ? { traceId: traceIdOf(about.traceparent) } : {}),
  };
  if (error instanceof HubContractError) {
    logger.error(
      { alert: 'hub-contract-broken', ...context, document: error.document, paths: error.paths },
      'the hub built a document its own contract refuses; the message is answered as undeliverable',
    );
    return undeliverable(
      'seal',
      `the hub could not build a ${error.document} that meets its own contract (a fault in the hub or its policy, not in your message)`,
      about,
    );
  }
  // Only the class is logged: an unexpected error's message may quote the submission.
  logger.error(
    { alert: 'hub-fault', ...context, errorClass: error instanceof Error ? error.name : 'Unknown' },
    'the hub failed on a submission; the message is answered as undeliverable',
  );
  return undeliverable(
    submission ? 'route' : 'intake',
    'the hub failed while handling the message (a fault in the hub, not in your message)',
    about,
  );
}

/** The hub's own fault: the sender hears that, and that the operator is alerted. */
function undeliverable(step: string, fault: string, about: RejectedSubmission): SubmissionRejected {
  return new SubmissionRejected(
    step,
    [
      {
        code: 'undeliverable',
        message: `${fault}; the hub operator has been alerted. Submit the message again once the operator reports it fixed.`,
      },
    ],
    about,
  );
}
