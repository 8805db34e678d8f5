import type { CaseRecord } from '@samenloop/case';
import type { DecidedInCase } from '@samenloop/policy';
import type { RaisedAlert } from '../../alerts/hub-alerts';
import type { RoutedMessage } from '../../routing/routed-message';
import type { SubmissionSteps } from '../submission-options';

const NO_ALERT: RaisedAlert = { records: [], delivered: [] };

/**
 * The operator hears of a message that claims separate threads are one case, or that names a
 * household municipality the thread did not know (both VTs' rules then apply): never silently.
 * When that municipality lets a VT be determined for held parts of the thread, it names them:
 * the operator can release them now.
 */
export async function conflictAlert(
  steps: SubmissionSteps,
  message: RoutedMessage,
  caseRecord: CaseRecord & { readonly conflictingCaseKeys: readonly string[] },
  decision: DecidedInCase,
  time: Date,
): Promise<RaisedAlert> {
  const [firstConflict, ...otherConflicts] = caseRecord.conflictingCaseKeys;
  const { releasable } = decision;
  const [firstNew, ...otherNew] =
    decision.newMunicipalities.length > 0
      ? decision.newMunicipalities
      : (releasable?.gemeentecodes ?? []);
  const [firstKnown, ...otherKnown] = decision.existing?.facts.gemeentecodes ?? [];
  const [firstHeld, ...otherHeld] = releasable?.messageIds.slice(0, 100) ?? [];
  if (firstConflict === undefined && firstNew === undefined) return NO_ALERT;
  return steps.alerts.raise(
    {
      type: 'nl.samenloop.koppeling-conflict',
      payload: {
        messageId: message.id,
        messageType: message.type,
        afzender: message.sender.id,
        caseKey: caseRecord.caseKey,
        ...(firstConflict !== undefined
          ? { conflicterendeCaseKeys: [firstConflict, ...otherConflicts] }
          : {}),
        ...(firstNew !== undefined && firstKnown !== undefined
          ? { bekendeGemeentecodes: [firstKnown, ...otherKnown] }
          : {}),
        ...(firstNew !== undefined && (firstKnown !== undefined || firstHeld !== undefined)
          ? { nieuweGemeentecodes: [firstNew, ...otherNew] }
          : {}),
        ...(firstNew !== undefined && firstHeld !== undefined
          ? { vtDeelGehouden: [firstHeld, ...otherHeld] }
          : {}),
        gevondenOp: time.toISOString(),
      },
      caseRecord,
      stage: caseRecord.stage,
      facts: decision.facts,
      traceparent: message.traceparent,
    },
    time,
  );
}
