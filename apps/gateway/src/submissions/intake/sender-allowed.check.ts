import { SubmissionRejected } from '../errors/submission-rejected';
import { established, validSubmission, type IntakeCheck } from './intake-state';

/** Each message type names the kinds of partner that send it (`x-samenloop-senders`). */
export const allowedSender: IntakeCheck = (state, { validator }) => {
  const submission = established(state, 'submission');
  const { sender } = state;
  const senders = validator.sendersOf(submission.messageType);
  if (senders.includes(sender.kind)) return state;
  throw new SubmissionRejected(
    'authorise',
    [
      {
        code: 'sender-not-allowed',
        path: '/type',
        message: `a ${sender.kind} partner may not send ${submission.messageType}; it is sent by ${senders.join(' or ')}`,
      },
    ],
    validSubmission(submission),
  );
};
