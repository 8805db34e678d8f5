import type { PgpPublicKey } from '@samenloop/crypto';
import {
  TransientProcessingError,
  type InboundRecord,
  type OutboundRecord,
} from '@samenloop/messaging';
import type { Partner } from '@samenloop/partners';
import type { HubKeys } from '../../keys/hub-keys';
import { encryptedHubRecord } from '../../routing/outbound-record.factory';
import type { SubmissionSteps } from '../submission-options';

/**
 * A receipt or rejection on the sender's own delivery topic, keyed by the pseudonym of its
 * submission's key: its answers keep the order of its submissions, and no key of the sender's
 * (which may name a case) is written in clear.
 */
export function answerRecord(
  steps: SubmissionSteps,
  answer: {
    readonly sender: Partner;
    readonly record: InboundRecord;
    readonly type: 'receipt' | 'rejection';
    readonly document: object;
    readonly senderKey: PgpPublicKey;
    readonly time: Date;
    readonly traceparent?: string;
  },
): Promise<OutboundRecord> {
  const { record, traceparent } = answer;
  return encryptedHubRecord({
    topic: steps.topics.delivery(answer.sender.id),
    key: record.key === null ? null : steps.keyPseudonym(record.key),
    type: answer.type,
    document: answer.document,
    hubSource: steps.hubSource,
    hubKey: steps.keys.hub,
    recipientKey: answer.senderKey,
    time: answer.time,
    ...(traceparent ? { traceparent } : {}),
  });
}

/**
 * The key for an answer to a partner whose signature was just verified. Should it become
 * unusable in between, the record is handled again (and then rejected without an answer).
 */
export async function answerKey(keys: HubKeys, partnerId: string): Promise<PgpPublicKey> {
  const state = await keys.partner(partnerId, new Date());
  if (state.usable) return state.key;
  throw new TransientProcessingError(
    `no usable public key for ${partnerId} to answer with: ${state.problem}`,
    'encrypt',
  );
}
