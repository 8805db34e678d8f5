import type { RejectionReason } from '../answers/rejection-reason';

/** What is known of a rejected submission, for its rejection, audit and log line. */
export interface RejectedSubmission {
  /** The submission's id, once it can be read. */
  readonly messageId?: string | undefined;
  /** The envelope's W3C trace context, once the submission is valid. */
  readonly traceparent?: string;
  /** Whether the sender's signature was verified: only then is the rejection audited. */
  readonly senderVerified: boolean;
}

/** Thrown by a step to turn a submission into a rejection; the error mapper catches it. */
export class SubmissionRejected extends Error {
  constructor(
    readonly step: string,
    readonly reasons: readonly RejectionReason[],
    readonly submission: RejectedSubmission,
  ) {
    super(reasons.map((reason) => reason.message).join('; '));
    this.name = 'SubmissionRejected';
  }
}
