import { SubmissionRejected } from '../errors/submission-rejected';
import { established, validSubmission, type IntakeCheck } from './intake-state';

/** A partner submits in its own name on its own topic. */
export const fromTopicOwner: IntakeCheck = (state) => {
  const submission = established(state, 'submission');
  const { sender } = state;
  if (submission.envelope.source.startsWith(`urn:nld:oin:${sender.oin}`)) return state;
  throw new SubmissionRejected(
    'authorise',
    [
      {
        code: 'wrong-topic',
        path: '/source',
        message: `source names another organisation than ${sender.id}, whose topic this is; submit on your own topic`,
      },
    ],
    validSubmission(submission),
  );
};
