import { alarmsAfter, type CaseRecord } from '@samenloop/case';
import type { Submission } from '@samenloop/contracts';
import type { InboundRecord, OutboundRecord } from '@samenloop/messaging';
import { acceptInCase, releaseInCase, type DecidedInCase } from '@samenloop/policy';
import type { RaisedAlert } from '../../alerts/hub-alerts';
import { MessageRouter, type Delivered } from '../../routing/message-router';
import type { RoutedMessage } from '../../routing/routed-message';
import { hold } from '../park/hold';
import { correctionAudit } from '../seal/correction-audit';
import type { SubmissionSteps } from '../submission-options';
import { conflictAlert } from './conflict-alert';
import type { Decided } from './decide.step';

/** A message in its thread: the deliveries to make of it, and what entering the thread gave. */
export interface InCase {
  /** The thread as it is after the message, before its deliveries. */
  readonly caseRecord: CaseRecord;
  readonly delivered: readonly Delivered[];
  /** The alerts raised in the thread, a part for VT parked, the audit of a correction. */
  readonly records: readonly OutboundRecord[];
}

/*
 * The submission path writes the case ledger here and nowhere else: the message with its
 * deliveries (and its part for VT held or released), the deliveries of the alerts it raises in its
 * thread, the case closed when its stage closes it, and the case's alarms. All of it is staged
 * with the chunk and committed with its transaction.
 */

/** A routed message accepted into its thread; only its part for VT may wait for the operator. */
export async function acceptInItsCase(
  steps: SubmissionSteps,
  record: InboundRecord,
  submission: Submission,
  { inCase, decision, message }: Decided,
  time: Date,
): Promise<InCase> {
  const { ledger } = steps;
  const delivered = MessageRouter.deliveriesOf(decision);
  const caseRecord = acceptInCase(ledger, inCase, decision, delivered);
  if (caseRecord.stage === 'gesloten') ledger.close(caseRecord.caseKey, time);
  const alerts = [
    await conflictAlert(steps, message, caseRecord, decision, time),
    ...(await vtPartHeld(steps, record, message, decision, caseRecord, time)),
  ];
  recordAlertDeliveries(steps, caseRecord, alerts);
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
  const corrections =
    decision.retractions.length > 0
      ? [correctionAudit(steps.topics.audit, message, caseRecord, decision, time)]
      : [];
  return {
    caseRecord,
    delivered,
    records: [...alerts.flatMap((alert) => alert.records), ...corrections],
  };
}

/**
 * The operator's release of the held part for VT of a message accepted before: only the VT
 * partners were decided, at the case's stage now, so no one else receives it a second time. Still
 * no VT: it is held again (nothing delivered) and the operator alerted.
 */
export async function releaseInItsCase(
  steps: SubmissionSteps,
  record: InboundRecord,
  { inCase, decision, message }: Decided,
  time: Date,
): Promise<InCase> {
  const delivered = decision.vtHeld ? [] : MessageRouter.deliveriesOf(decision);
  const caseRecord = releaseInCase(steps.ledger, inCase, decision, delivered);
  const alerts = await vtPartHeld(steps, record, message, decision, caseRecord, time);
  recordAlertDeliveries(steps, caseRecord, alerts);
  return { caseRecord, delivered, records: alerts.flatMap((alert) => alert.records) };
}

/** The part for VT parked in its thread, with the operator's alert, when no VT can be determined. */
async function vtPartHeld(
  steps: SubmissionSteps,
  record: InboundRecord,
  message: RoutedMessage,
  decision: DecidedInCase,
  caseRecord: CaseRecord,
  time: Date,
): Promise<RaisedAlert[]> {
  if (!decision.vtHeld) return [];
  return [
    await hold(
      steps,
      record,
      message,
      decision,
      decision.vtHeld,
      { scope: 'vt', caseRecord },
      time,
    ),
  ];
}

/** Later deliveries in the thread point at the alerts' deliveries too. */
function recordAlertDeliveries(
  { ledger }: SubmissionSteps,
  caseRecord: CaseRecord,
  alerts: readonly RaisedAlert[],
): void {
  for (const alert of alerts) ledger.recordDeliveries(caseRecord.caseKey, alert.delivered);
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
