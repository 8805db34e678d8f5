import { SubmissionRejected } from '../errors/submission-rejected';
import { established, validSubmission, type IntakeCheck } from './intake-state';

/** A field that never leaves its sender is refused outright: the hub neither routes nor keeps it. */
export const nothingNeverShared: IntakeCheck = (state, { policy }) => {
  const submission = established(state, 'submission');
  const { sender } = state;
  const neverShared = policy().neverSharedIn(
    submission.messageType,
    submission.payload as unknown as Record<string, unknown>,
  );
  if (neverShared.length === 0) return state;
  throw new SubmissionRejected(
    'authorise',
    neverShared.map((path) => ({
      code: 'never-share',
      path: `/data/payload${path}`,
      message: `remove ${path} and submit again: it never leaves ${sender.kind} (x-samenloop-never-share in the ${submission.messageType.replace('nl.samenloop.', '')} schema), so the hub neither routes nor keeps a message carrying it`,
    })),
    validSubmission(submission),
  );
};
