import type { Submission } from '@samenloop/contracts';
import type { InboundRecord } from '@samenloop/messaging';
import type { Partner } from '@samenloop/partners';
import type { RejectedSubmission } from '../errors/submission-rejected';
import type { SubmissionSteps } from '../submission-options';

/** A submission as far as the intake checks have opened it. */
export interface IntakeState {
  readonly record: InboundRecord;
  /** The partner whose inbound topic it came on. */
  readonly sender: Partner;
  /** Decrypted, its signature by the sender verified. */
  readonly plaintext?: Buffer;
  /** The plaintext as UTF-8 text. */
  readonly text?: string;
  /** Valid against its contract. */
  readonly submission?: Submission;
}

/** One intake check: refuses (throws `SubmissionRejected`) or passes on what it established. */
export type IntakeCheck = (
  state: IntakeState,
  steps: SubmissionSteps,
) => IntakeState | Promise<IntakeState>;

/** What an earlier check established; missing only when the checks are out of order. */
export function established<K extends 'plaintext' | 'text' | 'submission'>(
  state: IntakeState,
  what: K,
): NonNullable<IntakeState[K]> {
  const value = state[what];
  if (value === undefined)
    throw new Error(`an intake check needs the ${what}, which no earlier check established`);
  return value;
}

/** A valid submission's rejection: its id and trace are known, and its sender verified. */
export function validSubmission(submission: Submission): RejectedSubmission {
  return {
    messageId: submission.envelope.id,
    traceparent: submission.envelope.traceparent,
    senderVerified: true,
  };
}

/** The id of a submission that failed validation, when it can still be read, for the rejection. */
export function messageIdOf(value: Buffer): string | undefined {
  try {
    const id = (JSON.parse(value.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
