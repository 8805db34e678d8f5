import { recordBytes } from '@samenloop/messaging';
import { SubmissionRejected } from '../errors/submission-rejected';
import type { IntakeCheck } from './intake-state';

/** The whole record counts, headers included: the inbound topic's max.message.bytes is this limit. */
export const withinSizeLimit: IntakeCheck = (state, { maxMessageBytes }) => {
  const size = recordBytes(state.record);
  if (size <= maxMessageBytes) return state;
  throw new SubmissionRejected(
    'size',
    [
      {
        code: 'too-large',
        message: `the record is ${size} bytes (key, value and headers); the maximum is ${maxMessageBytes}`,
      },
    ],
    { senderVerified: false },
  );
};
