import { alarmsAfter, type CaseRecord } from '@samenloop/case';
import type { Submission } from '@samenloop/contracts';
import { acceptInCase, releaseInCase } from '@samenloop/policy';
import type { RaisedAlert } from '../../alerts/hub-alerts';
import type { Delivered } from '../../routing/message-router';
import type { SubmissionSteps } from '../submission-options';
import type { Decided } from './decide.step';

/** A thread as a message joins it, with the threads it claims to join but may not. */
export type JoinedCase = CaseRecord & { readonly conflictingCaseKeys: readonly string[] };

/** The message in its thread, and the alerts raised about it there. */
export interface InCase {
  readonly caseRecord: CaseRecord;
  readonly alerts: readonly RaisedAlert[];
}

/*
 * The submission path writes the case ledger here and nowhere else: the message with its
 * deliveries (and its part for VT held or released), the deliveries of the alerts it raises in its
 * thread, the case closed when its stage closes it, and the case's alarms. All of it is staged
 * with the chunk and committed with its transaction.
 */

/** A routed message accepted into its thread. */
export async function acceptInItsCase(
  steps: SubmissionSteps,
  submission: Submission,
  { inCase, decision, message }: Decided,
  delivered: readonly Delivered[],
  time: Date,
  alertsIn: (caseRecord: JoinedCase) => Promise<readonly RaisedAlert[]>,
): Promise<InCase> {
  const { ledger } = steps;
  const caseRecord = acceptInCase(ledger, inCase, decision, delivered);
  if (caseRecord.stage === 'gesloten') ledger.close(caseRecord.caseKey, time);
  const alerts = await alertsIn(caseRecord);
  for (const alert of alerts) ledger.recordDeliveries(caseRecord.caseKey, alert.delivered);
  ledger.updateAlarms(caseRecord.caseKey, (alarms) =>
    alarmsAfter(
      alarms,
      {
        messageType: submission.messageType,
        senderKind: message.sender.kind,
        acceptedAt: time,
        stage: caseRecord.stage,
        domesticViolence: caseRecord.facts.domesticViolence,
        zorgmeldingReceived:
          decision.existing?.received.includes('nl.samenloop.zorgmelding') ?? false,
        arrest: arrestOf(submission),
        reachedOm: delivered.some(
          (delivery) =>
            delivery.decision.recipient.kind === 'OM' && delivery.decision.level === 'inhoud',
        ),
      },
      steps.alarmSettings,
    ),
  );
  return { caseRecord, alerts };
}

/** The held part for VT of a message accepted before, released in its thread (or held again). */
export async function releaseInItsCase(
  steps: SubmissionSteps,
  { inCase, decision }: Decided,
  delivered: readonly Delivered[],
  alertsIn: (caseRecord: CaseRecord) => Promise<readonly RaisedAlert[]>,
): Promise<InCase> {
  const caseRecord = releaseInCase(steps.ledger, inCase, decision, delivered);
  const alerts = await alertsIn(caseRecord);
  for (const alert of alerts) steps.ledger.recordDeliveries(caseRecord.caseKey, alert.delivered);
  return { caseRecord, alerts };
}

/** The arrest a verdachtenmonitor entry reports: where the ZSM clock starts. */
function arrestOf(submission: Submission) {
  if (submission.messageType !== 'nl.samenloop.verdachtenmonitor-entry') return undefined;
  const { payload } = submission;
  return {
    zsmZaakId: payload.zsmZaakId,
    ...(payload.parketnummer ? { parketnummer: payload.parketnummer } : {}),
    arrestedAt: payload.aanhouding.tijdstip,
    pretrialDetentionAllowed: payload.feit.voorlopigeHechtenisToegestaan,
  };
}
