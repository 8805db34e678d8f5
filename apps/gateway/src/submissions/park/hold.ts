import type { CaseRecord } from '@samenloop/case';
import { toParked, type InboundRecord } from '@samenloop/messaging';
import type { DecidedInCase, ParkingReason } from '@samenloop/policy';
import type { RaisedAlert } from '../../alerts/hub-alerts';
import type { RoutedMessage } from '../../routing/routed-message';
import type { SubmissionSteps } from '../submission-options';
import { traceIdOf } from '../trace-id';

/** What is held: the whole message (in no thread yet), or its part for VT in its thread. */
export type Held =
  { readonly scope: 'bericht' } | { readonly scope: 'vt'; readonly caseRecord: CaseRecord };

/**
 * The message, unchanged (still encrypted to the hub and signed by its sender), on the parked
 * topic — all of it, or as the part for VT of a message in its thread — and the alert that
 * tells the operator. The alert's deliveries are the caller's to record in the thread.
 */
export async function hold(
  steps: SubmissionSteps,
  record: InboundRecord,
  message: RoutedMessage,
  { stage, facts }: Pick<DecidedInCase, 'stage' | 'facts'>,
  reason: ParkingReason,
  held: Held,
  time: Date,
): Promise<RaisedAlert> {
  const unserved = (facts.gemeentecodes ?? []).find((code) => !steps.registry.vtFor(code));
  const caseRecord = held.scope === 'vt' ? held.caseRecord : undefined;
  const parked = toParked(
    record,
    {
      messageId: message.id,
      messageType: message.type,
      sender: message.sender.id,
      reason,
      parkedAt: time,
      scope: held.scope,
      ...(caseRecord ? { caseKey: caseRecord.caseKey } : {}),
    },
    steps.topics.parked,
  );
  const alert = await steps.alerts.raise(
    {
      type: 'nl.samenloop.routering-geparkeerd',
      payload: {
        messageId: message.id,
        messageType: message.type,
        afzender: message.sender.id,
        reden: reason,
        ...(caseRecord ? { deel: 'veilig-thuis' as const } : {}),
        ...(reason === 'gemeente-onbekend' && unserved ? { gemeentecode: unserved } : {}),
        geparkeerdOp: time.toISOString(),
        parkeerplaats: {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
        },
      },
      ...(caseRecord ? { caseRecord } : {}),
      stage,
      facts,
      traceparent: message.traceparent,
    },
    time,
  );
  steps.logger.warn(
    {
      alert: 'message-parked',
      messageId: message.id,
      traceId: traceIdOf(message.traceparent),
      sender: message.sender.id,
      reason,
      scope: held.scope,
      ...(caseRecord ? { caseKey: caseRecord.caseKey } : {}),
    },
    held.scope === 'vt'
      ? 'part for Veilig Thuis parked: no Veilig Thuis can be determined for it'
      : 'message parked: no Veilig Thuis can be determined for it',
  );
  return { records: [parked, ...alert.records], delivered: alert.delivered };
}
