import type { Submission } from '@samenloop/contracts';
import type { InboundRecord } from '@samenloop/messaging';
import type { Partner } from '@samenloop/partners';
import type { SubmissionSteps } from '../submission-options';
import { decryptedAndVerified } from './decrypt.check';
import { established, type IntakeCheck, type IntakeState } from './intake-state';
import { nothingNeverShared } from './never-share.check';
import { allowedSender } from './sender-allowed.check';
import { withinSizeLimit } from './size.check';
import { fromTopicOwner } from './source.check';
import { utf8Text } from './utf8.check';
import { validAgainstContract } from './validate.check';

/** In this order: each check relies on what the ones before it established. */
export const INTAKE_CHECKS: readonly IntakeCheck[] = [
  withinSizeLimit,
  decryptedAndVerified,
  utf8Text,
  validAgainstContract,
  fromTopicOwner,
  allowedSender,
  nothingNeverShared,
];

/** The record as a valid submission from its topic's owner, or a `SubmissionRejected` saying why not. */
export async function intake(
  record: InboundRecord,
  sender: Partner,
  steps: SubmissionSteps,
): Promise<Submission> {
  let state: IntakeState = { record, sender };
  for (const check of INTAKE_CHECKS) state = await check(state, steps);
  return established(state, 'submission');
}
