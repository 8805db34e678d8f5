import type { InboundRecord, OutboundRecord } from '@samenloop/messaging';
import type { ParkingReason } from '@samenloop/policy';
import { geparkeerd } from '../answers/geparkeerd';
import { receipt } from '../answers/receipt';
import type { Decided } from '../case/decide.step';
import type { SubmissionSteps } from '../submission-options';
import { hold } from './hold';

/**
 * Keeps the whole message on the parked topic, unchanged, delivers nothing of it, alerts the
 * operator and tells the sender that it is held: it is not lost and need not be sent again. It
 * joins no thread, so the case ledger is not touched.
 */
export async function park(
  steps: SubmissionSteps,
  record: InboundRecord,
  { message, decision }: Decided,
  reason: ParkingReason,
  time: Date,
): Promise<OutboundRecord[]> {
  const held = await hold(steps, record, message, decision, reason, { scope: 'bericht' }, time);
  const answer = await receipt(steps, message, record, time, {
    decisions: [],
    delivered: [],
    geparkeerd: geparkeerd(reason, 'bericht'),
  });
  return [...held.records, answer];
}
