import { fromContractErrors } from '../answers/rejection-reason';
import { SubmissionRejected } from '../errors/submission-rejected';
import { established, messageIdOf, type IntakeCheck } from './intake-state';

/** The text is a submission its published contract accepts. */
export const validAgainstContract: IntakeCheck = (state, { validator }) => {
  const validation = validator.validateSubmissionJson(established(state, 'text'));
  if (validation.ok) return { ...state, submission: validation.value };
  throw new SubmissionRejected('validate', fromContractErrors(validation.errors), {
    messageId: messageIdOf(established(state, 'plaintext')),
    senderVerified: true,
  });
};
